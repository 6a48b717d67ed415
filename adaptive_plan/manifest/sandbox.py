"""A Jinja sandbox with bounds: manifests come from untrusted pull requests.

Jinja's ``SandboxedEnvironment`` stops attribute escapes, not work: ``'x' * 10**9``,
``|center(10**9)``, ``'{:>1000000000}'.format('x')``, nested ``range(100000)`` loops or
``range(100000)|list * 10000`` ran for minutes or died with a MemoryError. Here every
operation that can grow a value is metered, per rendered file, by a ``Meter``:

- repetition and concatenation (``*``, ``+``, ``~``), ``%`` formatting, ``str.format``
  widths, the string methods and filters that pad, replace or join, and ``**`` on
  integers are checked *before* they run, so no oversized value is ever built;
- the rendered file may not exceed ``max_output`` characters (16 MB by default), and
  every string built (printed by ``{{ }}``, a loop's literal text, a call's or an
  operator's result) counts against a work budget of four times that, so a loop cannot
  build gigabytes in a ``{% set %}`` block it never prints;
- every loop iteration (``{% for %}`` iterables are wrapped by the code generator) and
  every call ticks the clock: past ``seconds`` (10 by default) rendering stops;
- ``{% include %}``, ``{% import %}``, ``{% from %}`` and ``{% extends %}`` are refused:
  each file renders on its own, with no loader that could read another file.

Every refusal is a ``RenderLimit`` (a Jinja ``TemplateRuntimeError``), which
``template.render`` reports as ``FILE:LINE: template error: ...``.

Must not import: api, live, plan, apply, render.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import wraps
from string import Formatter
from typing import Any

from jinja2 import TemplateRuntimeError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter
from jinja2.utils import Namespace, generate_lorem_ipsum
from markupsafe import Markup

MAX_ITEMS = 1_000_000  # items of a list built by * or +
MAX_INT_BITS = 10_000  # about 3,000 digits
MAX_LIPSUM = 100  # paragraphs (and words per paragraph: 10 x this)
ENV_MAX_OUTPUT = "ADAPTIVE_PLAN_RENDER_MAX_BYTES"
ENV_SECONDS = "ADAPTIVE_PLAN_RENDER_SECONDS"
REFUSED_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}


class RenderLimit(TemplateRuntimeError):
    """A template went past a bound; the message says which."""


@dataclass(frozen=True)
class Limits:
    """Per rendered file: ``max_output`` characters of output, ``seconds`` of rendering."""

    max_output: int = 16_000_000
    seconds: float = 10.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Limits:
        """Defaults, overridden by ``ADAPTIVE_PLAN_RENDER_MAX_BYTES`` / ``..._SECONDS``;
        raises ValueError naming the variable when a value is not a positive number."""
        limits = cls()
        size, seconds = environ.get(ENV_MAX_OUTPUT), environ.get(ENV_SECONDS)
        try:
            max_output = int(size) if size else limits.max_output
            budget = float(seconds) if seconds else limits.seconds
        except ValueError:
            max_output, budget = -1, -1.0
        if max_output <= 0 or not budget > 0 or math.isinf(budget):
            raise ValueError(
                f"{ENV_MAX_OUTPUT} must be a positive integer and {ENV_SECONDS} a positive number"
            )
        return cls(max_output, budget)


class Meter:
    """The bounds of one file's rendering: time, output and text built."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.output = limits.max_output
        self.work = 4 * limits.max_output

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"rendering took longer than {self.limits.seconds:g} s (an endless loop?)")

    def width(self, value: Any, what: str) -> None:
        """A width or length about to be used for padding or repetition."""
        if isinstance(value, int) and value > self.limits.max_output:
            raise RenderLimit(f"{what} {value:,} is larger than the {self.limits.max_output:,} allowed")

    def built(self, size: int, what: str = "a value") -> None:
        """``size`` characters are about to be built."""
        if size > self.limits.max_output:
            raise RenderLimit(
                f"{what} of {size:,} characters is larger than the {self.limits.max_output:,} allowed"
            )
        self.work -= size
        if self.work < 0:
            limit = 4 * self.limits.max_output
            raise RenderLimit(f"the template builds more than {limit:,} characters of text")

    def printed(self, size: int) -> None:
        """``size`` characters of the rendered file were produced."""
        self.output -= size
        if self.output < 0:
            raise RenderLimit(
                f"the rendered file is larger than {self.limits.max_output:,} characters "
                f"(set {ENV_MAX_OUTPUT} to allow more)"
            )


def text_size(value: Any, limit: int) -> int:
    """About how many characters ``str(value)`` has, counting no further than ``limit + 1``."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 2
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, Namespace):
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        else:
            total += 64
    return total


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBERS = re.compile(r"\d+")
_PADDING = {"center", "ljust", "rjust", "zfill"}


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with bounds; ``meter`` is set by ``render_bounded`` for each file."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._finalize, **options)
        self.code_generator_class = _BoundedCodeGenerator
        self.meter = Meter(Limits())
        self.globals["range"] = self._range(self.globals["range"])
        self.globals["lipsum"] = self._lipsum
        self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}

    # --- the hooks the sandbox calls ---------------------------------------------------------
    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        meter = self.meter
        meter.tick()
        if operator == "*":
            self._repeat(left, right)
        elif operator == "**":
            self._power(left, right)
        elif operator == "+" and _sized(left) and _sized(right):
            self._size(len(left) + len(right), left)
        elif operator == "%" and isinstance(left, str):
            self._percent(left, right)
        result = super().call_binop(context, operator, left, right)
        self._account(result)
        return result

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.meter.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            __self._string_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        elif isinstance(owner, list) and getattr(__obj, "__name__", "") in ("extend", "__iadd__"):
            __self._size(len(owner) + sum(len(a) for a in args if isinstance(a, list | tuple)), owner)
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        __self._account(result)
        if isinstance(owner, list):
            __self._size(len(owner), owner)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None or isinstance(value.__self__, Markup):
            return wrapped
        template, is_map, meter = value.__self__, value.__name__ == "format_map", self.meter
        formatter = _BoundedFormatter(self)

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping")
                args, kwargs = (), args[0]
            meter.built(len(template) + sum(text_size(a, meter.output) for a in (*args, *kwargs.values())))
            result = formatter.vformat(template, args, kwargs)
            meter.built(len(result))
            return result

        return bounded

    def _finalize(self, value: Any) -> Any:
        """Every ``{{ }}`` value, before it becomes text (in the output or in a buffer)."""
        size = len(value) if isinstance(value, str) else text_size(value, self.meter.limits.max_output)
        self.meter.built(size, "a printed value")
        return value

    def concat(self, values: Iterable[Any]) -> str:
        """``a ~ b``: like Jinja's own, with the parts measured before they are joined."""
        values = list(values)
        self.meter.tick()
        self.meter.built(sum(text_size(v, self.meter.output) for v in values), "a ~ concatenation")
        return "".join(str(v) for v in values)

    def bounded_iter(self, iterable: Any, body_text: int) -> Iterator[Any]:
        """What a ``{% for %}`` loops over: every iteration ticks the clock and pays for the
        literal text of the loop's body (``body_text`` characters), which it may output."""
        meter = self.meter
        for item in iterable:
            meter.tick()
            meter.built(body_text, "a loop's text")
            yield item

    # --- checks ------------------------------------------------------------------------------
    def _repeat(self, left: Any, right: Any) -> None:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and not isinstance(times, bool):
                self._size(len(seq) * max(times, 0), seq)
                return
        if isinstance(left, int) and isinstance(right, int):
            self._bits(abs(left).bit_length() + abs(right).bit_length())

    def _power(self, base: Any, exponent: Any) -> None:
        if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
            self._bits(exponent * abs(base).bit_length())

    def _bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise RenderLimit(f"a number of more than {MAX_INT_BITS:,} bits is not allowed")

    def _size(self, size: int, like: Any) -> None:
        if isinstance(like, str):
            self.meter.built(size, "a string")
        elif size > MAX_ITEMS:
            raise RenderLimit(f"a list of {size:,} items is larger than the {MAX_ITEMS:,} allowed")

    def _percent(self, template: str, args: Any) -> None:
        for match in _PERCENT.finditer(template):
            for number in match.groups():
                if number == "*":
                    values = args if isinstance(args, tuple) else (args,)
                    for value in values:
                        self.meter.width(value, "a % width")
                elif number:
                    self.meter.width(int(number), "a % width")
        self.meter.built(len(template) + text_size(args, self.meter.output), "a % result")

    def _string_method(self, owner: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        meter = self.meter
        if name in _PADDING and args:
            meter.width(args[0], f"str.{name} width")
            meter.built(max(len(owner), args[0] if isinstance(args[0], int) else 0))
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(size, int):
                meter.built(len(owner) + owner.count("\t") * max(size, 0))
        elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
            count = owner.count(args[0]) if args[0] else len(owner) + 1
            meter.built(len(owner) + count * max(len(args[1]) - len(args[0]), 0))
        elif name == "join" and args:
            items = args[0] if isinstance(args[0], list | tuple) else ()
            meter.built(sum(text_size(i, meter.output) for i in items) + len(owner) * len(items))

    def _account(self, result: Any) -> None:
        if isinstance(result, str):
            self.meter.built(len(result))
        elif isinstance(result, list | tuple):
            self._size(len(result), result)
        elif isinstance(result, int):
            self._bits(result.bit_length())

    # --- globals and filters -----------------------------------------------------------------
    def _range(self, safe_range: Callable[..., range]) -> Callable[..., Iterator[int]]:
        def bounded_range(*args: int) -> range:
            self.meter.tick()
            return safe_range(*args)  # Jinja's own: at most 100,000 items

        return bounded_range

    def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        for value, cap, what in ((n, MAX_LIPSUM, "lipsum n"), (max, 10 * MAX_LIPSUM, "lipsum max")):
            if isinstance(value, int) and value > cap:
                raise RenderLimit(f"{what} {value:,} is larger than the {cap:,} allowed")
        return str(generate_lorem_ipsum(n, html, min, max))

    def _bounded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        passes = getattr(function, "jinja_pass_arg", None) is not None

        @wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.meter.tick()
            self._filter_arguments(name, args[1:] if passes else args, kwargs)
            result = function(*args, **kwargs)
            self._account(result)
            return result

        return bounded

    def _filter_arguments(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        meter = self.meter
        value, rest = (args[0], args[1:]) if args else (None, ())
        if name in ("center", "indent", "batch", "slice", "wordwrap", "truncate"):
            for argument in (*rest, *kwargs.values()):
                meter.width(argument, f"|{name} argument")
        if name in ("center", "indent") and isinstance(value, str):
            width = next((a for a in (*rest, *kwargs.values()) if isinstance(a, int)), 0)
            lines = value.count("\n") + 1 if name == "indent" else 1
            meter.built(len(value) + width * lines, f"|{name} result")
        elif name == "format" and isinstance(value, str):
            self._percent(value, kwargs or rest)
        elif name == "replace" and len(rest) >= 2 and isinstance(value, str):
            old, new = str(rest[0]), str(rest[1])
            count = value.count(old) if old else len(value) + 1
            meter.built(len(value) + count * max(len(new) - len(old), 0), "|replace result")
        elif name in ("join", "string", "tojson", "pprint", "list", "sort", "unique", "urlize", "wordwrap"):
            separator = text_size(rest[0], 0) if rest else 0
            meter.built(text_size(value, meter.output) + separator, f"|{name} input")


def _sized(value: Any) -> bool:
    return isinstance(value, str | list | tuple)


class _BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, refusing widths and precisions past the output cap."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        meter = self._env.meter  # type: ignore[attr-defined]
        for number in _NUMBERS.findall(format_spec):
            meter.width(int(number), "a format width")
        meter.built(text_size(value, meter.output), "a formatted value")
        return Formatter.format_field(self, value, format_spec)


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``{% for %}`` iterables wrapped by ``bounded_iter`` and
    ``~`` going through ``environment.concat``, so both are metered."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not getattr(node, "bounded", False):
            line = node.iter.lineno
            text = sum(len(data.data) for child in node.body for data in _text_nodes(child))
            wrap = nodes.EnvironmentAttribute("bounded_iter", lineno=line)
            arguments = [node.iter, nodes.Const(text, lineno=line)]
            node.iter = nodes.Call(wrap, arguments, [], None, None, lineno=line)
            node.bounded = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


def _text_nodes(node: nodes.Node) -> Iterator[nodes.TemplateData]:
    if isinstance(node, nodes.TemplateData):
        yield node
    yield from node.find_all(nodes.TemplateData)


def refused_tag(template: nodes.Template) -> tuple[str, int] | None:
    """The first ``{% include %}``-like tag in ``template`` and its line, if any."""
    for kind, name in REFUSED_TAGS.items():
        for found in template.find_all(kind):
            return name, found.lineno
    return None
