"""A minimal custom recipe: fine-tune the support model on resolved conversations."""


async def main(ctx) -> None:
    ctx.log("training sft-support")
