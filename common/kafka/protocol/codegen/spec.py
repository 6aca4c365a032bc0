"""Model of Apache Kafka's message specs (common/message/*.json) as used by the generator.

Only the parts of the spec format that affect the wire encoding are modelled: field
types, version ranges, nullability, flexible versions and tagged fields. Anything the
generator does not understand is an error, so that a new spec feature cannot be
silently mis-encoded.
"""

import json
import re

INF = 0x7FFF  # open-ended version ranges ("3+") end here

PRIMITIVES = {
    # spec type: (C++ type, fixed wire size or None)
    "bool": ("bool", 1),
    "int8": ("int8_t", 1),
    "int16": ("int16_t", 2),
    "uint16": ("uint16_t", 2),
    "int32": ("int32_t", 4),
    "uint32": ("uint32_t", 4),
    "int64": ("int64_t", 8),
    "float64": ("double", 8),
    "uuid": ("Uuid", 16),
    "string": ("std::string", None),
    "bytes": ("std::string", None),
    "records": ("std::string", None),
}
# Messages whose `records` fields are kafka::Records (records.h: owned bytes or file
# slices the broker sends with sendfile(2)) instead of std::string. Only the C++ type of
# those fields changes: the Writer/Reader calls the codec emits are the same, and Records
# converts from std::string, so the generated code of every other message is unchanged.
ZERO_COPY_RECORDS_MESSAGES = {"FetchResponse"}
# Messages whose `records` fields are std::string_view into the decoded input instead of
# copies (Reader::Read*BytesView): the produce path validates and appends the batches where
# they arrived. The input must outlive the message (the broker: the request's frame buffer).
VIEW_RECORDS_MESSAGES = {"ProduceRequest"}
INTEGERS = {"int8", "int16", "uint16", "int32", "uint32", "int64"}
NULLABLE_KINDS = {"string", "bytes", "records"}

CPP_KEYWORDS = set("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
char16_t char32_t class compl concept const consteval constexpr constinit const_cast
continue co_await co_return co_yield decltype default delete do double dynamic_cast else
enum explicit export extern false float for friend goto if inline int long mutable
namespace new noexcept not not_eq nullptr operator or or_eq private protected public
register reinterpret_cast requires return short signed sizeof static static_assert
static_cast struct switch template this thread_local throw true try typedef typeid
typename union unsigned using virtual void volatile wchar_t while xor xor_eq
""".split())


# Names used by the generated code next to the nested struct names.
RESERVED_STRUCT_NAMES = {"Uuid", "Reader", "Writer", "ApiSpec", "ApiTypes", "FillRng"}


class SpecError(Exception):
    pass


def strip_comments(text):
    """Removes // and /* */ comments outside JSON strings."""
    out = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
        elif c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise SpecError("unterminated /* comment")
            i = end + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def load_json(text, origin):
    try:
        return json.loads(strip_comments(text))
    except (ValueError, SpecError) as e:
        raise SpecError(f"{origin}: {e}") from e


def snake_case(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


class Versions:
    """An inclusive version range; empty when lo > hi."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @staticmethod
    def parse(text, origin):
        text = str(text).strip()
        try:
            if text == "none":
                return Versions(1, 0)
            if text.endswith("+"):
                return Versions(int(text[:-1]), INF)
            if "-" in text:
                lo, hi = text.split("-", 1)
                return Versions(int(lo), int(hi))
            return Versions(int(text), int(text))
        except ValueError as e:
            raise SpecError(f"{origin}: bad version range {text!r}") from e

    def empty(self):
        return self.lo > self.hi

    def intersect(self, other):
        return Versions(max(self.lo, other.lo), min(self.hi, other.hi))

    def contains(self, v):
        return self.lo <= v <= self.hi

    def subtract(self, other):
        """self minus other, as a list of non-empty ranges."""
        if other.empty():
            return [self] if not self.empty() else []
        parts = [Versions(self.lo, min(self.hi, other.lo - 1)),
                 Versions(max(self.lo, other.hi + 1), self.hi)]
        return [p for p in parts if not p.empty()]

    def __repr__(self):
        if self.empty():
            return "none"
        if self.hi == INF:
            return f"{self.lo}+"
        return f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"


NONE = Versions(1, 0)
ALL = Versions(0, INF)


class Type:
    """kind is 'prim' (name = spec primitive), 'struct' (name = struct) or 'array'."""

    def __init__(self, kind, name=None, elem=None):
        self.kind, self.name, self.elem = kind, name, elem

    @staticmethod
    def parse(text):
        if text.startswith("[]"):
            return Type("array", elem=Type.parse(text[2:]))
        if text in PRIMITIVES:
            return Type("prim", text)
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", text):
            raise SpecError(f"unknown type {text!r}")
        return Type("struct", text)

    def cpp(self, qualify=lambda name: name):
        """The C++ type; `qualify` maps a struct name to how it is spelled."""
        if self.kind == "prim":
            return PRIMITIVES[self.name][0]
        if self.kind == "struct":
            return qualify(self.name)
        return f"std::vector<{self.elem.cpp(qualify)}>"


class Field:
    def __init__(self, raw, owner):
        origin = f"{owner}.{raw.get('name')}"
        known = {"name", "type", "versions", "about", "ignorable", "default", "fields",
                 "entityType", "nullableVersions", "mapKey", "tag", "taggedVersions",
                 "flexibleVersions", "zeroCopy"}
        unknown = set(raw) - known
        if unknown:
            raise SpecError(f"{origin}: unsupported field attributes {sorted(unknown)}")
        self.name = raw["name"]
        self.cpp_name = snake_case(self.name)
        if self.cpp_name in CPP_KEYWORDS:
            self.cpp_name += "_"
        self.type = Type.parse(raw["type"])
        self.versions = Versions.parse(raw["versions"], origin)
        self.nullable = Versions.parse(raw.get("nullableVersions", "none"), origin)
        self.tagged = Versions.parse(raw.get("taggedVersions", "none"), origin)
        self.tag = raw.get("tag")
        flex = raw.get("flexibleVersions")
        self.flexible_override = Versions.parse(flex, origin) if flex is not None else None
        self.default = raw.get("default")
        self.origin = origin
        if (self.tag is None) != self.tagged.empty():
            raise SpecError(f"{origin}: tag and taggedVersions must be given together")
        if not self.nullable.empty():
            kind = self.type.kind
            if not (kind in ("array", "struct") or self.type.name in NULLABLE_KINDS):
                raise SpecError(f"{origin}: type {raw['type']} cannot be nullable")
        if self.default is not None and self.type.kind != "prim":
            if not (self.type.kind == "array" and str(self.default) in ("null", "")):
                raise SpecError(f"{origin}: defaults are only supported on primitive fields")
        # The struct this field defines inline, if any.
        self.inline_fields = raw.get("fields")
        # Set by Message for the records fields of ZERO_COPY_RECORDS_MESSAGES and
        # VIEW_RECORDS_MESSAGES.
        self.zero_copy_records = False
        self.view_records = False

    def is_optional(self):
        return not self.nullable.empty()

    def cpp_type(self, qualify=lambda name: name):
        if self.zero_copy_records:
            t = "Records"
        elif self.view_records:
            t = "std::string_view"
        else:
            t = self.type.cpp(qualify)
        return f"std::optional<{t}>" if self.is_optional() else t

    def struct_name(self):
        """Name of the struct this field's values are (element type for arrays), or None."""
        t = self.type.elem if self.type.kind == "array" else self.type
        return t.name if t.kind == "struct" else None


class Struct:
    def __init__(self, name, fields):
        self.name, self.fields = name, fields


class Message:
    """One spec file: a request, response or header."""

    def __init__(self, raw, origin):
        self.name = raw["name"]
        self.kind = raw["type"]
        self.api_key = raw.get("apiKey")
        self.valid = Versions.parse(raw["validVersions"], origin)
        self.flexible = Versions.parse(raw.get("flexibleVersions", "none"), origin)
        self.latest_unstable = bool(raw.get("latestVersionUnstable", False))
        self.supported = self.valid  # narrowed by the generator config
        self.structs = {}  # name -> Struct, filled by _collect
        common = {}
        for cs in raw.get("commonStructs", []):
            common[cs["name"]] = [Field(f, cs["name"]) for f in cs["fields"]]
        self.fields = [Field(f, self.name) for f in raw.get("fields", [])]
        defined = {}
        for name, fields in common.items():
            self._collect(name, fields, defined)
        self._collect(self.name, self.fields, defined)
        del defined[self.name]
        if self.name in ZERO_COPY_RECORDS_MESSAGES or self.name in VIEW_RECORDS_MESSAGES:
            for st in [*defined.values(), Struct(self.name, self.fields)]:
                for f in st.fields:
                    if f.type.kind == "prim" and f.type.name == "records":
                        f.zero_copy_records = self.name in ZERO_COPY_RECORDS_MESSAGES
                        f.view_records = self.name in VIEW_RECORDS_MESSAGES
        for name in defined:
            if name in RESERVED_STRUCT_NAMES or name == self.name:
                raise SpecError(f"{self.name}: struct name {name} collides with a C++ name")
        for f in self.fields:
            if f.struct_name() and f.struct_name() not in defined:
                raise SpecError(f"{f.origin}: unknown struct type {f.struct_name()}")
        self.ordered_structs = self._order(defined)

    def _collect(self, name, fields, defined):
        if name in defined:
            raise SpecError(f"{self.name}: struct {name} is defined twice")
        defined[name] = Struct(name, fields)
        for f in fields:
            if f.inline_fields is not None:
                sname = f.struct_name()
                if sname is None:
                    raise SpecError(f"{f.origin}: has fields but type is not a struct")
                self._collect(sname, [Field(x, sname) for x in f.inline_fields], defined)

    def _order(self, defined):
        """Structs in dependency order (every struct after the structs it contains)."""
        order, state = [], {}

        def visit(name, path):
            if state.get(name) == "done":
                return
            if state.get(name) == "active":
                raise SpecError(f"{self.name}: recursive struct {' -> '.join(path)}")
            if name not in defined:
                raise SpecError(f"{self.name}: unknown struct type {name}")
            state[name] = "active"
            for f in defined[name].fields:
                if f.struct_name():
                    visit(f.struct_name(), path + [f.struct_name()])
            state[name] = "done"
            order.append(defined[name])

        for name in defined:
            visit(name, [name])
        return order

    def all_structs(self):
        """Nested structs in declaration order, then the message itself."""
        return self.ordered_structs + [Struct(self.name, self.fields)]
