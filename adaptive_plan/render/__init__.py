"""Renderers: plan text, apply progress and reports. Return strings; never print or import click."""
