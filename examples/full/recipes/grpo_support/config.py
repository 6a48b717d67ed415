"""Configuration of the GRPO recipe."""

from dataclasses import dataclass


@dataclass
class Config:
    steps: int = 100
