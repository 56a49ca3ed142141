"""C identifiers, string literals and comments made from arbitrary model and tensor names."""

import os
import re
import subprocess
import sys

import pytest

from edgesmith.codegen.c_names import (C_KEYWORDS, MAX_IDENTIFIER, CNamespace, c_comment_text,
                                       c_identifier, c_string_literal, is_reserved,
                                       model_identifier)

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.mark.parametrize("name, expected", [
    ("serving_default_input_1:0", "serving_default_input_1_0"),
    ("MobilenetV1/Conv2d_0/Relu6", "MobilenetV1_Conv2d_0_Relu6"),
    ("model/conv2d;model/bn/FusedBatchNormV3", "model_conv2d_model_bn_FusedBatchNormV3"),
    ("__weird--name__", "weird_name"),
    ("kws", "kws"),
])
def test_tflite_names_become_identifiers(name, expected):
    assert c_identifier(name) == expected


@pytest.mark.parametrize("name", ["int", "class", "new", "bool", "true", "NULL", "errno",
                                  "assert", "main", "int8_t", "size_t", "restrict", "typeof",
                                  "constexpr", "template", "memcpy", "strlen", "isdigit",
                                  "tokens", "conv_t", "es_conv2d_s8", "es", "INT8_MAX"])
def test_reserved_words_and_standard_names_are_avoided(name):
    ident = c_identifier(name)
    assert ident != name and IDENTIFIER.fullmatch(ident) and not is_reserved(ident)


@pytest.mark.parametrize("name", ["9lives", "0", "1:0", "", "::", "_", "\u00e9t\u00e9"])
def test_leading_digits_and_empty_names_get_a_letter_first(name):
    ident = c_identifier(name)
    assert IDENTIFIER.fullmatch(ident), ident
    assert not is_reserved(ident)


def test_model_names_keep_their_macro_prefix_unreserved():
    # EVAL_ARENA_SIZE would be an <errno.h> name (E + capital letter)
    assert model_identifier("eval") == "model_eval"
    assert model_identifier("null") == "model_null"
    assert model_identifier("kws_ref_model") == "kws_ref_model"
    assert model_identifier("2-layer net:v1") == "model_2_layer_net_v1"


def test_long_names_are_cut_with_a_hash_that_keeps_them_apart():
    a, b = "x" * 100 + "/a", "x" * 100 + "/b"
    assert len(c_identifier(a)) <= MAX_IDENTIFIER
    assert c_identifier(a) != c_identifier(b)


def test_cut_names_are_the_same_in_every_process():
    """The hash in a cut name is stable: generated code does not change from run to run
    (Python's own str hash is salted per process)."""
    a = "x" * 100 + "/a"
    script = ("import sys; from edgesmith.codegen.c_names import c_identifier; "
              "print(c_identifier(sys.argv[1]))")
    seen = {subprocess.run([sys.executable, "-c", script, a], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
            for seed in ("1", "2", "3")}
    assert seen == {c_identifier(a)}


def test_namespace_resolves_collisions_in_order():
    ns = CNamespace(["kws_init", "arena"])
    assert ns.unique("a:0") == "a_0"
    assert ns.unique("a/0") == "a_0_2"
    assert ns.unique("a_0") == "a_0_3"
    assert ns.unique("init", prefix="kws_") == "kws_init_2"  # the API name is taken
    assert ns.unique("arena") == "arena_2"
    assert ns.unique("class") == "x_class"
    with pytest.raises(ValueError):
        ns.reserve("arena")


def test_keywords_cover_c_and_cpp():
    assert {"auto", "_Bool", "restrict", "class", "namespace", "co_await", "nullptr"} <= C_KEYWORDS


NASTY = 'a"b\\c??/d\u00e9\n*/ /* ??= end'


def test_string_literals_and_comments_compile_clean(tmp_path):
    literal = c_string_literal(NASTY)
    comment = c_comment_text(NASTY)
    assert "*/" not in comment and "/*" not in comment and "??" not in comment
    src = tmp_path / "names.c"
    src.write_text(f"/* {comment} */\nconst char *const name = {literal};\n")
    proc = subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic",
                           "-Wtrigraphs", "-c", str(src), "-o", str(tmp_path / "names.o")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    # the literal holds the original bytes (UTF-8) back
    assert eval("b" + literal.replace("\\?", "?")).decode("utf-8") == NASTY
