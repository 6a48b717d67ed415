"""Evaluate the support model against the graders."""


async def main(ctx) -> None:
    ctx.log("evaluating support-bot")
