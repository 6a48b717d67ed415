"""E2E recipe, version 2."""


def main() -> None:
    print("v2")
