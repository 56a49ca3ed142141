"""The parser of the runtime header's prototypes and struct layouts (kernels/c_prototypes)."""

import re
import shutil
import subprocess

import pytest

from edgesmith.kernels.c_prototypes import (Layouts, PrototypeError, parse_prototypes,
                                            parse_typedefs, prototype, runtime_layouts,
                                            runtime_prototypes)
from edgesmith.resources import data_path
from edgesmith.boards.host_build import STRICT_C99_FLAGS

HEADER = """
/** @brief a doc comment with a fake(prototype, in) it; */
#define ES_X(a, b) ((a) + (b))
es_status es_demo_s8(const es_context *ctx, const es_demo_params *params,
                     int32_t size, const int8_t * const * inputs, // trailing comment
                     int8_t *output);
int32_t es_demo_s8_get_buffer_size(void);
"""


def test_parameters_in_order_with_type_constness_and_pointer_depth():
    protos = parse_prototypes(HEADER)
    assert sorted(protos) == ["es_demo_s8", "es_demo_s8_get_buffer_size"]
    demo = protos["es_demo_s8"]
    assert demo.returns == "es_status"
    assert demo.names == ("ctx", "params", "size", "inputs", "output")
    got = [(p.ctype, p.base, p.pointer, p.const) for p in demo.params]
    assert got == [("const es_context *", "es_context", 1, True),
                   ("const es_demo_params *", "es_demo_params", 1, True),
                   ("int32_t", "int32_t", 0, False),
                   ("const int8_t *const *", "int8_t", 2, True),
                   ("int8_t *", "int8_t", 1, False)]
    assert demo.param("inputs").element == "const int8_t *"
    assert protos["es_demo_s8_get_buffer_size"].params == ()


def test_an_unreadable_declaration_is_named():
    with pytest.raises(PrototypeError, match=r"es_bad_s8: cannot read the declaration 'int8_t'"):
        parse_prototypes("es_status es_bad_s8(int8_t);")


def test_every_defined_kernel_has_a_prototype_and_every_prototype_a_definition():
    definitions = set()
    sources = sorted(data_path("runtime", "kernels", "ref").glob("*.c"))
    for path in sources:
        definitions |= set(re.findall(r"^es_status\s+(es_\w+)\s*\(", path.read_text(), re.M))
    kernels = {k for k, p in runtime_prototypes().items() if p.returns == "es_status"}
    # files that define two kernels: the in-place depthwise, maximum/minimum, sub/squared
    # difference, reduce_max/reduce_min, arg_max/arg_min, gather_table s8/fx, pad s8/fx; three:
    # hard_swish/elu/rsqrt/neg/log_softmax and the fixed-point MACs with 32-, 16- and 8-bit
    # filters; four: the fixed-point reductions; the model edges, lstm, svdf, the 16x8
    # kernels and the int16 table kernels
    assert len(sources) == 70 and len(definitions) == 108
    # the fast set's entries on weights laid out offline have no reference twin
    fast = set()
    for path in sorted(data_path("runtime", "kernels", "fast").glob("*.c")):
        fast |= set(re.findall(r"^es_status\s+(es_\w+)\s*\(", path.read_text(), re.M))
    assert fast - definitions == {"es_conv2d_s8_w16", "es_fully_connected_s8_w16",
                                  "es_depthwise_conv2d_s8_w16",
                                  "es_depthwise_conv2d_s8_w16_inplace"}
    assert kernels == definitions | fast


def test_the_header_names_tensor_parameters_by_role():
    inplace = prototype("es_depthwise_conv2d_s8_inplace")
    assert inplace.names == ("ctx", "params", "quant", "input_dims", "input", "filter_dims",
                             "filter", "bias", "output_dims", "scratch")
    kernels = [p for p in runtime_prototypes().values() if p.returns == "es_status"]
    assert len(kernels) == 112  # + es_logistic_s16, es_neg_s8, es_depthwise_conv2d_s8_w16...
    for proto in kernels:  # each <role>_dims has its tensor pointer (or pointer array)
        roles = {*proto.names, "output"}  # also where the kernel writes over its input
        dims = [p.name.removesuffix("_dims") for p in proto.params
                if p.name.endswith("_dims") and p.base == "es_dims"]
        assert all(r in roles or f"{r}s" in roles for r in dims), proto.name


def test_an_unknown_kernel_is_an_error():
    with pytest.raises(PrototypeError, match="es_nn.h declares no kernel 'es_nope_s8'"):
        prototype("es_nope_s8")


def test_layouts_follow_the_32_bit_abi():
    structs, enums = parse_typedefs("""
        typedef enum { A = 0, B = 1 } kind;                        /* short enums */
        typedef enum { C = -1, D = 300 } wider;
        typedef struct { int8_t a; int64_t b; int8_t c; } wide;   /* 8-byte aligned */
        typedef struct { int8_t a; wide w; kind k; const int32_t *p; } outer;
    """)
    assert enums == {"kind": (0, 1), "wider": (-1, 300)}
    layouts = Layouts(structs, enums)
    assert [layouts.sizeof(t) for t in ("kind", "wider", "wide", "outer", "const outer *")] == \
        [1, 2, 24, 40, 4]
    with pytest.raises(PrototypeError, match="unknown C type 'missing'"):
        layouts.sizeof("missing")


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None,
                    reason="arm-none-eabi-gcc is not installed")
def test_struct_sizes_equal_the_cortex_m_compilers(tmp_path):
    layouts = runtime_layouts()
    checks = [f"typedef char check_{name}[(sizeof({name}) == {layouts.sizeof(name)}) ? 1 : -1];"
              for name in layouts.structs]
    assert len(checks) == 54  # es_sigmoid16_params, es_log_softmax, es_prelu_fx_params...
    source = tmp_path / "sizes.c"
    source.write_text('#include "es_nn_types.h"\n' + "\n".join(checks) + "\n")
    proc = subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", *STRICT_C99_FLAGS,
                           "-Wno-unused-local-typedefs", "-I", str(data_path("runtime", "include")),
                           "-c", str(source), "-o", str(tmp_path / "sizes.o")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
