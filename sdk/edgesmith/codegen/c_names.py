"""C identifiers, string literals and comment text made from model and tensor names.

Model and tensor names come from training frameworks and contain anything:
``serving_default_input_1:0``, ``MobilenetV1/Conv2d_0/Relu6``, names that
start with a digit or that are C keywords. Generated code uses them as
identifiers, in string literals (traces) and in comments, so each use has a
function here that makes any string safe for it:

* :func:`c_identifier`: letters, digits and ``_``; never a C or C++ keyword,
  a standard library macro or a name reserved by the C standard (leading
  ``_`` + capital or ``__``, the ``is``/``to``/``str``/``mem``/``E`` families,
  ``*_t``) nor edgesmith's runtime prefix ``es_``;
* :class:`CNamespace`: hands out identifiers unique within one generated
  model (a collision gets ``_2``, ``_3``...);
* :func:`c_string_literal` and :func:`c_comment_text`.
"""

from __future__ import annotations

import hashlib
import re

#: C99/C11/C23 and C++ keywords, and alternative operator spellings of C++.
C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef union
unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary
_Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false nullptr
static_assert thread_local true typeof typeof_unqual
and and_eq asm bitand bitor catch char8_t char16_t char32_t class co_await co_return co_yield
compl concept consteval constinit const_cast decltype delete dynamic_cast explicit export
friend mutable namespace new noexcept not not_eq operator or or_eq private protected public
reflexpr reinterpret_cast requires static_cast template this throw try typeid typename using
virtual wchar_t xor xor_eq override final import module
""".split())  # noqa: SIM905 (a word list reads better than a list of strings)

#: Macros and identifiers of the standard headers generated code or firmware may include.
C_STANDARD_NAMES = frozenset("""
NULL EOF BUFSIZ FILENAME_MAX FOPEN_MAX L_tmpnam SEEK_CUR SEEK_END SEEK_SET TMP_MAX stdin stdout
stderr errno assert offsetof va_arg va_copy va_end va_start setjmp longjmp jmp_buf main
CHAR_BIT CHAR_MAX CHAR_MIN INT_MAX INT_MIN LONG_MAX LONG_MIN SCHAR_MAX SCHAR_MIN SHRT_MAX
SHRT_MIN UCHAR_MAX UINT_MAX ULONG_MAX USHRT_MAX LLONG_MAX LLONG_MIN ULLONG_MAX MB_LEN_MAX
SIZE_MAX PTRDIFF_MAX PTRDIFF_MIN INTPTR_MAX INTPTR_MIN UINTPTR_MAX INTMAX_MAX INTMAX_MIN
UINTMAX_MAX WCHAR_MAX WCHAR_MIN WINT_MAX WINT_MIN SIG_ATOMIC_MAX SIG_ATOMIC_MIN
EXIT_FAILURE EXIT_SUCCESS RAND_MAX CLOCKS_PER_SEC HUGE_VAL INFINITY NAN
math_errhandling FP_INFINITE FP_NAN FP_NORMAL FP_SUBNORMAL FP_ZERO
abort exit free malloc calloc realloc memcpy memmove memset printf sprintf snprintf puts putchar
getchar fopen fclose fread fwrite size_t ptrdiff_t wchar_t int8_t int16_t int32_t int64_t
uint8_t uint16_t uint32_t uint64_t intptr_t uintptr_t intmax_t uintmax_t
complex imaginary I noreturn static_assert unreachable
""".split())  # noqa: SIM905

#: Name families the C standard reserves for future library use (C11 7.31).
_RESERVED_PATTERNS = (
    re.compile(r"_[A-Z_]"),                 # any use
    re.compile(r"(is|to|str|mem|wcs)[a-z]"),  # <ctype.h>, <string.h>, <wctype.h>
    re.compile(r"E[0-9A-Z]"),               # <errno.h> macros
    re.compile(r"SIG[A-Z_]"),               # <signal.h>
    re.compile(r"LC_[A-Z]"),                # <locale.h>
    re.compile(r"(PRI|SCN)[a-zX]"),         # <inttypes.h>
    re.compile(r"U?INT\w*_(MAX|MIN|C)$"),   # <stdint.h> macros
    re.compile(r".*_t$"),                   # <stdint.h> and POSIX types
    re.compile(r"es(_|$)", re.IGNORECASE),  # edgesmith's C runtime
)

#: Longest identifier made; C99 guarantees 63 significant characters (5.2.4.1).
MAX_IDENTIFIER = 63


def is_reserved(identifier: str) -> bool:
    """Whether ``identifier`` is taken by C, C++, their standard libraries or the runtime."""
    if identifier in C_KEYWORDS or identifier in C_STANDARD_NAMES:
        return True
    return any(p.match(identifier) for p in _RESERVED_PATTERNS)


def c_identifier(name: str, *, fallback: str = "x") -> str:
    """A valid, unreserved C identifier made from ``name`` (same name, same result).

    Characters outside ``[A-Za-z0-9_]`` become ``_`` (runs collapse), leading
    and trailing ``_`` go; a leading digit, an empty result or a reserved
    name gets the prefix ``fallback + "_"``. Names longer than
    :data:`MAX_IDENTIFIER` keep their start and end a short hash of the
    whole name, so two long names that share a start stay apart.
    """
    ident = re.sub(r"[^A-Za-z0-9_]+", "_", name)
    ident = re.sub(r"_+", "_", ident).strip("_")
    if not ident or ident[0].isdigit() or is_reserved(ident):
        ident = f"{fallback}_{ident}".rstrip("_")
        if is_reserved(ident):  # e.g. a fallback + name ending in _t
            ident += "_"
    if len(ident) > MAX_IDENTIFIER:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        ident = f"{ident[:MAX_IDENTIFIER - 9].rstrip('_')}_{digest}"
    return ident


class CNamespace:
    """Identifiers unique within one generated model.

    Claim the fixed names first (:meth:`reserve`), then ask for every
    derived name (:meth:`unique`); the same request in the same order always
    gives the same identifier.
    """

    def __init__(self, reserved=()):
        self._taken: set[str] = set()
        for name in reserved:
            self.reserve(name)

    def reserve(self, identifier: str) -> str:
        if identifier in self._taken:
            raise ValueError(f"C identifier {identifier!r} is already taken")
        self._taken.add(identifier)
        return identifier

    def unique(self, name: str, *, prefix: str = "", fallback: str = "x") -> str:
        """``prefix + c_identifier(name)``, with ``_2``, ``_3``... on a collision."""
        base = prefix + c_identifier(name, fallback=fallback)
        base = base[:MAX_IDENTIFIER - 4]
        candidate, n = base, 1
        while candidate in self._taken or is_reserved(candidate):
            n += 1
            candidate = f"{base}_{n}"
        self._taken.add(candidate)
        return candidate

    def __contains__(self, identifier: str) -> bool:
        return identifier in self._taken


def model_identifier(name: str) -> str:
    """The C name of a model: an identifier whose upper-case form (the prefix of the
    model's macros, ``kws`` -> ``KWS_ARENA_SIZE``) is unreserved too."""
    ident = c_identifier(name, fallback="model")
    if is_reserved(ident.upper()):  # e.g. "eval": EVAL_* belongs to <errno.h>
        ident = c_identifier(f"model_{ident}")
    return ident


#: Longest tensor name kept in a trace string; C99 compilers must accept 4095 characters.
MAX_STRING = 1000


def c_string_literal(text: str) -> str:
    """``text`` as a C string literal: printable ASCII kept, the rest escaped.

    ``?`` is escaped too so that no trigraph (``??/``) can form.
    """
    out = []
    for ch in text[:MAX_STRING]:
        code = ord(ch)
        if ch in '"\\?':
            out.append("\\" + ch)
        elif 32 <= code < 127:
            out.append(ch)
        else:
            out.extend(f"\\{b:03o}" for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def c_comment_text(text: str, limit: int = 160) -> str:
    """``text`` safe inside a ``/* */`` comment: printable ASCII, no ``/*``, ``*/`` or ``??``."""
    clean = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
    while any(bad in clean for bad in ("/*", "*/", "??")):
        clean = clean.replace("/*", "/ *").replace("*/", "* /").replace("??", "?.?")
    return clean if len(clean) <= limit else clean[:limit - 3] + "..."
