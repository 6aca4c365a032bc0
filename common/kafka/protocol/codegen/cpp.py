"""C++ expression helpers shared by the codec and test-fill emitters."""

from spec import INTEGERS, Versions

INT_LIMITS = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
}


def cond(ranges, supported):
    """A C++ condition on `version` that holds exactly for `ranges` within `supported`.

    Returns the literal "true" or "false" when the answer does not depend on the version.
    """
    if isinstance(ranges, Versions):
        ranges = [ranges]
    parts = []
    for r in ranges:
        i = r.intersect(supported)
        if i.empty():
            continue
        if i.lo == supported.lo and i.hi == supported.hi:
            return "true"
        if i.lo == i.hi:
            parts.append(f"version == {i.lo}")
        elif i.lo == supported.lo:
            parts.append(f"version <= {i.hi}")
        elif i.hi == supported.hi:
            parts.append(f"version >= {i.lo}")
        else:
            parts.append(f"version >= {i.lo} && version <= {i.hi}")
    if not parts:
        return "false"
    if len(parts) == 1:
        return parts[0]
    return " || ".join(f"({p})" for p in parts)


def hull(ranges):
    """The smallest range covering every range in `ranges` (non-empty list)."""
    return Versions(min(r.lo for r in ranges), max(r.hi for r in ranges))


def pick(flag, if_true, if_false):
    """`flag ? if_true : if_false`, folded when `flag` is a literal."""
    if flag == "true":
        return if_true
    if flag == "false":
        return if_false
    return f"({flag} ? {if_true} : {if_false})"


def if_else(flag, then_lines, else_lines):
    """An if/else statement on `flag`, folded when `flag` is a literal."""
    if flag == "true":
        return then_lines
    if flag == "false":
        return else_lines
    return [f"if ({flag}) {{", *indent(then_lines), "} else {", *indent(else_lines), "}"]


def guarded(flag, lines):
    if flag == "true":
        return lines
    if flag == "false":
        return []
    return [f"if ({flag}) {{", *indent(lines), "}"]


def indent(lines, levels=1):
    pad = "  " * levels
    return [pad + line if line else line for line in lines]


def c_string(text):
    out = ['"']
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            for b in ch.encode("utf-8"):
                out.append(f"\\x{b:02x}\"\"")
    out.append('"')
    return "".join(out)


def int_literal(kind, value, origin):
    lo, hi = INT_LIMITS[kind]
    if not lo <= value <= hi:
        raise ValueError(f"{origin}: default {value} out of range for {kind}")
    ctype = {"int8": "int8_t", "int16": "int16_t", "int32": "int32_t", "int64": "int64_t",
             "uint16": "uint16_t", "uint32": "uint32_t"}[kind]
    if value == lo and lo < 0:
        return f"std::numeric_limits<{ctype}>::min()"
    if kind == "uint32":
        return f"{value}u"
    return str(value)


def is_null_default(field):
    """Whether the member starts out null (only for std::optional members)."""
    if not field.is_optional():
        return False
    if field.default is not None:
        return str(field.default) == "null"
    # Kafka's own generated classes default nullable records to null and every other
    # nullable field to its empty value.
    return field.type.kind == "prim" and field.type.name == "records"


def member_init(field, qualify=lambda name: name):
    """Initializer for the member (text after '='), or None for value-initialization."""
    t = field.type
    d = field.default
    if field.is_optional():
        if is_null_default(field):
            return None
        if t.kind == "prim" and t.name == "string" and d not in (None, ""):
            return f"std::string({c_string(str(d))})"
        return f"{t.cpp(qualify)}()"
    if t.kind != "prim":
        return None
    name = t.name
    if name in INTEGERS:
        try:
            value = int(str(d), 0) if d not in (None, "") else 0
        except ValueError as e:
            raise ValueError(f"{field.origin}: bad default {d!r}") from e
        return int_literal(name, value, field.origin)
    if name == "bool":
        if d in (None, "", False, "false"):
            return "false"
        if d in (True, "true"):
            return "true"
        raise ValueError(f"{field.origin}: bad bool default {d!r}")
    if name == "float64":
        return repr(float(d)) if d not in (None, "") else "0.0"
    if name == "string":
        if d in (None, ""):
            return None
        if str(d) == "null":
            raise ValueError(f"{field.origin}: null default on a non-nullable string")
        return c_string(str(d))
    if d not in (None, ""):
        raise ValueError(f"{field.origin}: unsupported default {d!r} for {name}")
    return None


def default_value(field, qualify=lambda name: name):
    """An expression of the member's type holding the spec default."""
    init = member_init(field, qualify)
    return f"{field.cpp_type(qualify)}({init or ''})"


def field_comment(field):
    parts = [f"versions {field.versions}"]
    if not field.nullable.empty():
        parts.append(f"nullable {field.nullable}")
    if not field.tagged.empty():
        parts.append(f"tagged {field.tagged} (tag {field.tag})")
    if field.flexible_override is not None:
        parts.append(f"flexible {field.flexible_override}")
    return ", ".join(parts)
