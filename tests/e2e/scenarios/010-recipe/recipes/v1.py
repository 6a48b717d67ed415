"""E2E recipe, version 1."""


def main() -> None:
    print("v1")
