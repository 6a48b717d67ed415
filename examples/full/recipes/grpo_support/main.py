"""GRPO fine-tuning of the support model, rewarded by the politeness judge."""

from config import Config


async def main(ctx, config: Config) -> None:
    ctx.log(f"GRPO with {config.steps} steps")
