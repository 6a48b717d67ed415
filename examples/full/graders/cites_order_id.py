import re


async def grade(sample):
    """Pass when the reply cites the order id."""
    return re.search(r"#\d{6}", sample.completion) is not None
