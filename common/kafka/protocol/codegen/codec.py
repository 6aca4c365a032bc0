"""Emits the C++ struct declarations and Encode/Decode code for one spec Message."""

from cpp import (c_string, cond, default_value, field_comment, guarded, hull, if_else,
                 indent, member_init, pick)
from spec import PRIMITIVES, SpecError

READERS = {"bool": "ReadBool", "int8": "ReadInt8", "int16": "ReadInt16", "int32": "ReadInt32",
           "int64": "ReadInt64", "uint16": "ReadUint16", "uint32": "ReadUint32",
           "float64": "ReadFloat64", "uuid": "ReadUuid"}
WRITERS = {k: "Write" + v[4:] for k, v in READERS.items()}


class MessageCodec:
    def __init__(self, msg):
        self.msg = msg
        self.s = msg.supported
        self.structs = {st.name: st for st in msg.all_structs()}
        self.ctx = self._struct_contexts()
        for st in msg.all_structs():
            tags = [f.tag for f in st.fields if f.tag is not None]
            if len(tags) != len(set(tags)):
                raise SpecError(f"{msg.name}.{st.name}: duplicate tags {tags}")

    # ---- helpers -------------------------------------------------------------------

    def qual(self, struct_name):
        return self.msg.name if struct_name == self.msg.name else f"{self.msg.name}::{struct_name}"

    def _struct_contexts(self):
        """For each struct, the hull of the supported versions in which it can occur.

        Conditions inside a struct's functions are folded against this range, so that
        e.g. a struct only reachable from v8 on does not re-check `version >= 8`.
        """
        ctx = {self.msg.name: self.s}
        for st in reversed(self.msg.all_structs()):  # parents before children
            here = ctx.get(st.name)
            if here is None:
                continue
            for f in st.fields:
                name = f.struct_name()
                r = f.versions.intersect(here)
                if name and not r.empty():
                    prev = ctx.get(name)
                    ctx[name] = r if prev is None else hull([prev, r])
        # Structs unreachable in every supported version still get (unused) functions.
        return {name: ctx.get(name, self.s) for name in self.structs}

    def field_flex(self, f, ctx):
        flexible = self.msg.flexible
        if f.flexible_override is not None:
            flexible = flexible.intersect(f.flexible_override)
        return cond(flexible, ctx)

    def nullable(self, f, ctx):
        return cond(f.nullable, ctx) if f.is_optional() else "false"

    def regular_ranges(self, f, ctx):
        return [r for r in f.versions.intersect(ctx).subtract(f.tagged)]

    def tagged_range(self, f, ctx):
        return f.tagged.intersect(f.versions).intersect(ctx)

    def min_size(self, t, ctx):
        """Fewest wire bytes a value of type `t` takes in any version of `ctx`."""
        return min(self._size_at(t, v) for v in range(ctx.lo, ctx.hi + 1))

    def _size_at(self, t, v, flexible=None):
        if flexible is None:
            flexible = self.msg.flexible.contains(v)
        if t.kind == "array":
            return 1 if flexible else 4
        if t.kind == "prim":
            fixed = PRIMITIVES[t.name][1]
            if fixed is not None:
                return fixed
            return 1 if flexible else (2 if t.name == "string" else 4)
        total = 1 if self.msg.flexible.contains(v) else 0  # tagged-field count
        for f in self.structs[t.name].fields:
            if not f.versions.contains(v) or f.tagged.contains(v):
                continue
            if f.type.kind == "struct" and f.nullable.contains(v):
                total += 1
                continue
            fflex = self.msg.flexible.contains(v)
            if f.flexible_override is not None:
                fflex = fflex and f.flexible_override.contains(v)
            total += self._size_at(f.type, v, fflex)
        return total

    # ---- declarations --------------------------------------------------------------

    def declare_struct(self, st, top_level):
        name = st.name
        lines = [f"struct {name} {{"]
        body = []
        if top_level:
            m = self.msg
            if m.api_key is not None:
                body.append(f"static constexpr int16_t kApiKey = {m.api_key};")
            body += [f"static constexpr int16_t kMinVersion = {self.s.lo};",
                     f"static constexpr int16_t kMaxVersion = {self.s.hi};",
                     "static constexpr int16_t kFirstFlexibleVersion = "
                     f"{-1 if m.flexible.empty() else m.flexible.lo};",
                     ""]
            for nested in self.msg.ordered_structs:
                body += self.declare_struct(nested, False) + [""]
        for f in st.fields:
            init = member_init(f)
            decl = f"{f.cpp_type()} {f.cpp_name}" + (f" = {init};" if init else ";")
            body.append(f"{decl}  // {field_comment(f)}")
        if top_level:
            body += [""] + self._method_decls()
        body.append(f"bool operator==(const {name}&) const = default;")
        lines += indent(body)
        lines.append("};")
        return lines

    def _method_decls(self):
        header = self.msg.kind == "header"
        decode_doc = [
            "// Decodes a message of `version` from `reader`, replacing every member (members",
            "// absent at `version` get their defaults). Fails with kInvalidArgument, naming the",
            "// field, on malformed input and on a version outside [kMinVersion, kMaxVersion].",
        ]
        if header:
            decode_doc.append("// Stops at the end of the header: the body follows in `reader`.")
        else:
            decode_doc.append("// The message must end exactly at the end of `reader`.")
        return decode_doc + [
            "absl::Status Decode(Reader& reader, int16_t version);",
            "// Appends the message encoded at `version` to `writer`. Tagged fields are written",
            "// only when they differ from their defaults. A null optional member at a version",
            "// where it is not nullable is written as its empty value.",
            "// REQUIRES: kMinVersion <= version <= kMaxVersion; strings within the limits",
            "// documented in writer.h.",
            "void Encode(Writer& writer, int16_t version) const;",
            "",
        ]

    def declaration(self):
        return self.declare_struct(self.structs[self.msg.name], True)

    # ---- decoding -----------------------------------------------------------------

    def decode_value(self, t, dst, optional, nullable, flex, rd, what, depth, ctx, view=False):
        if t.kind == "prim" and t.name in ("string", "bytes", "records"):
            kind = "String" if t.name == "string" else "BytesView" if view else "Bytes"
            non_null = pick(flex, f"{rd}.ReadCompact{kind}({what})", f"{rd}.Read{kind}({what})")
            if not optional or nullable == "false":
                return [f"{dst} = {non_null};"]
            nullable_read = pick(flex, f"{rd}.ReadCompactNullable{kind}({what})",
                                 f"{rd}.ReadNullable{kind}({what})")
            return if_else(nullable, [f"{dst} = {nullable_read};"], [f"{dst} = {non_null};"])
        if t.kind == "prim":
            return [f"{dst} = {rd}.{READERS[t.name]}({what});"]
        if t.kind == "struct":
            if not optional:
                return [f"DecodeStruct({rd}, {dst}, version);"]
            if nullable == "false":
                return [f"DecodeStruct({rd}, {dst}.emplace(), version);"]
            guard = "" if nullable == "true" else f"{nullable} && "
            return [f"if ({guard}{rd}.ReadInt8({what}) < 0) {{", f"  {dst}.reset();",
                    "} else {", f"  DecodeStruct({rd}, {dst}.emplace(), version);", "}"]
        # Array.
        n, v = f"n{depth}", f"v{depth}"
        nullable_arg = nullable if optional else "false"
        min_size = self.min_size(t.elem, ctx)
        count = pick(flex, f"{rd}.ReadCompactArrayLength({nullable_arg}, {min_size}, {what})",
                     f"{rd}.ReadArrayLength({nullable_arg}, {min_size}, {what})")
        elem = self.decode_value(t.elem, f"{v}.emplace_back()", False, "false", flex, rd, what,
                                 depth + 1, ctx)
        fill = [f"auto& {v} = {dst + '.emplace()' if optional else dst};",
                f"{v}.reserve(static_cast<size_t>({n}));",
                f"for (int32_t i{depth} = 0; i{depth} < {n} && {rd}.ok(); ++i{depth}) {{",
                *indent(elem), "}"]
        if optional and nullable != "false":
            fill = [f"if ({n} < 0) {{", f"  {dst}.reset();", "} else {", *indent(fill), "}"]
        return ["{", f"  const int32_t {n} = {count};", *indent(fill), "}"]

    def decode_struct(self, st):
        q, ctx = self.qual(st.name), self.ctx[st.name]
        out = ["[[maybe_unused]] void DecodeStruct([[maybe_unused]] Reader& r, "
               f"[[maybe_unused]] {q}& m,",
               "                                   [[maybe_unused]] int16_t version) {"]
        body = []
        for f in st.fields:
            ranges = self.regular_ranges(f, ctx)
            if not ranges:
                continue
            here = hull(ranges)
            what = c_string(f"{st.name}.{f.cpp_name}")
            code = self.decode_value(f.type, f"m.{f.cpp_name}", f.is_optional(),
                                     self.nullable(f, here), self.field_flex(f, here), "r", what,
                                     0, here, view=f.view_records)
            body += guarded(cond(ranges, ctx), code)
        body += guarded(cond(self.msg.flexible, ctx), self._decode_tagged(st, ctx))
        out += indent(body) + ["}", ""]
        return out

    def _decode_tagged(self, st, ctx):
        what = c_string(f"{st.name} tagged fields")
        tagged = sorted((f for f in st.fields if not self.tagged_range(f, ctx).empty()),
                        key=lambda f: f.tag)
        if not tagged:
            return [f"r.SkipTaggedFields({what});"]
        cases = []
        for f in tagged:
            here = self.tagged_range(f, ctx)
            c = cond(here, ctx)
            fwhat = c_string(f"{st.name}.{f.cpp_name}")
            code = self.decode_value(f.type, f"m.{f.cpp_name}", f.is_optional(),
                                     self.nullable(f, here), "true", "field", fwhat, 0, here,
                                     view=f.view_records)
            case = [f"case {f.tag}: {{"]
            if c != "true":
                case.append(f"  if (!({c})) return false;")
            case += indent(code) + ["  return true;", "}"]
            cases += case
        return ["r.ReadTaggedFields(",
                "    [&](uint32_t tag, Reader& field) {",
                "      switch (tag) {",
                *indent(cases, 4),
                "        default:",
                "          return false;",
                "      }",
                "    },",
                f"    {what});"]

    # ---- encoding -----------------------------------------------------------------

    def encode_value(self, t, src, optional, nullable, flex, wr, depth):
        if t.kind == "prim" and t.name in ("string", "bytes", "records"):
            kind = "String" if t.name == "string" else "Bytes"
            value = f"({src} ? std::string_view(*{src}) : std::string_view())" if optional else src
            non_null = if_else(flex, [f"{wr}.WriteCompact{kind}({value});"],
                               [f"{wr}.Write{kind}({value});"])
            if not optional or nullable == "false":
                return non_null
            nullable_write = if_else(flex, [f"{wr}.WriteCompactNullable{kind}({src});"],
                                     [f"{wr}.WriteNullable{kind}({src});"])
            return if_else(nullable, nullable_write, non_null)
        if t.kind == "prim":
            return [f"{wr}.{WRITERS[t.name]}({src});"]
        if t.kind == "struct":
            if not optional:
                return [f"EncodeStruct({wr}, {src}, version);"]
            present = [f"EncodeStruct({wr}, *{src}, version);"]
            absent = [f"EncodeStruct({wr}, {self.qual(t.name)}(), version);"]
            if nullable != "false":
                present = [f"{wr}.WriteInt8(1);"] + present
                absent = if_else(nullable, [f"{wr}.WriteInt8(-1);"], absent)
            return [f"if ({src}) {{", *indent(present), "} else {", *indent(absent), "}"]
        # Array.
        e = f"e{depth}"
        arr = f"*{src}" if optional else src

        def write_count(expr):
            return if_else(flex, [f"{wr}.WriteCompactArrayLength({expr});"],
                           [f"{wr}.WriteArrayLength({expr});"])

        elem = self.encode_value(t.elem, e, False, "false", flex, wr, depth + 1)
        present = [*write_count(f"static_cast<int32_t>(({arr}).size())"),
                   f"for (const auto& {e} : {arr}) {{", *indent(elem), "}"]
        if not optional:
            return present
        absent = write_count(pick(nullable, "-1", "0"))
        return [f"if ({src}) {{", *indent(present), "} else {", *indent(absent), "}"]

    def encode_struct(self, st):
        q, ctx = self.qual(st.name), self.ctx[st.name]
        out = ["[[maybe_unused]] void EncodeStruct([[maybe_unused]] Writer& w, "
               f"[[maybe_unused]] const {q}& m,",
               "                                   [[maybe_unused]] int16_t version) {"]
        body = []
        for f in st.fields:
            ranges = self.regular_ranges(f, ctx)
            if not ranges:
                continue
            here = hull(ranges)
            code = self.encode_value(f.type, f"m.{f.cpp_name}", f.is_optional(),
                                     self.nullable(f, here), self.field_flex(f, here), "w", 0)
            body += guarded(cond(ranges, ctx), code)
        body += guarded(cond(self.msg.flexible, ctx), self._encode_tagged(st, ctx))
        out += indent(body) + ["}", ""]
        return out

    def _encode_tagged(self, st, ctx):
        tagged = sorted((f for f in st.fields if not self.tagged_range(f, ctx).empty()),
                        key=lambda f: f.tag)
        if not tagged:
            return ["w.WriteUnsignedVarint(0);"]
        out, flags = [], []
        for f in tagged:
            here = self.tagged_range(f, ctx)
            c = cond(here, ctx)
            flag = f"write_{f.cpp_name.rstrip('_')}"
            differs = f"!(m.{f.cpp_name} == {default_value(f, self.qual)})"
            out.append(f"const bool {flag} = {differs if c == 'true' else f'({c}) && {differs}'};")
            flags.append((flag, f, here))
        out.append("w.WriteUnsignedVarint(" +
                   " + ".join(f"static_cast<uint32_t>({flag})" for flag, _, _ in flags) + ");")
        for flag, f, here in flags:
            code = self.encode_value(f.type, f"m.{f.cpp_name}", f.is_optional(),
                                     self.nullable(f, here), "true", "tagged", 0)
            out += [f"if ({flag}) {{", "  Writer tagged;", *indent(code),
                    f"  w.WriteUnsignedVarint({f.tag});",
                    "  w.WriteUnsignedVarint(static_cast<uint32_t>(tagged.size()));",
                    "  w.WriteRaw(tagged.view());", "}"]
        return out

    # ---- definitions --------------------------------------------------------------

    def internal_functions(self):
        """Anonymous-namespace DecodeStruct/EncodeStruct overloads, callees first."""
        out = []
        for st in self.msg.all_structs():
            out += self.decode_struct(st)
            out += self.encode_struct(st)
        return out

    def member_functions(self):
        m = self.msg.name
        leftover = [] if self.msg.kind == "header" else [
            "  if (reader.remaining() != 0) {",
            f"    return absl::InvalidArgumentError(absl::StrCat(\"{m} v\", version, \": \", "
            "reader.remaining(), \" unexpected bytes after the message\"));",
            "  }"]
        return [
            f"absl::Status {m}::Decode(Reader& reader, int16_t version) {{",
            "  if (version < kMinVersion || version > kMaxVersion) {",
            f"    return absl::InvalidArgumentError(absl::StrCat(\"{m}: unsupported version \", "
            "version, \" (supported \", kMinVersion, \"-\", kMaxVersion, \")\"));",
            "  }",
            f"  *this = {m}();",
            "  DecodeStruct(reader, *this, version);",
            "  if (!reader.ok()) {",
            f"    return absl::InvalidArgumentError(absl::StrCat(\"{m} v\", version, \": \", "
            "reader.status().message()));",
            "  }",
            *leftover,
            "  return absl::OkStatus();",
            "}",
            "",
            f"void {m}::Encode(Writer& writer, int16_t version) const {{",
            "  assert(version >= kMinVersion && version <= kMaxVersion);",
            "  EncodeStruct(writer, *this, version);",
            "}",
            "",
        ]

