// avg_pool2d and max_pool2d on int8 NHWC batches.
//
// Both pool over the window cells that fall inside the image; padded cells are
// neither counted nor compared. The average rounds the sum divided by the
// count half away from zero. Input and output share one format (the
// reference kernels do not rescale), so only the activation clamp applies.
#include <algorithm>

#include "es_sim/bindings.h"
#include "es_sim/ndarray.h"
#include "es_sim/window.h"

namespace es_sim {

namespace {

enum class PoolKind { kAverage, kMax };

template <PoolKind kind>
ArrayI8 pool2d_s8(const ArrayI8& x, std::array<int, 2> kernel, std::array<int, 2> stride,
                  std::array<int, 4> pads, int32_t act_min, int32_t act_max) {
    require_rank(x, 4, "pooling input");
    check_activation_range(act_min, act_max);
    const int n = x.shape(0), in_h = x.shape(1), in_w = x.shape(2), channels = x.shape(3);
    const Window win = Window::from(stride, {1, 1}, pads, kernel[0], kernel[1]);
    const int out_h = win.out_h(in_h), out_w = win.out_w(in_w);

    ArrayI8 out({n, out_h, out_w, channels});
    const int8_t* src = x.data();
    int8_t* dst = out.mutable_data();
    {
        py::gil_scoped_release release;
        for (int s = 0; s < n; ++s) {
            const int8_t* image = src + static_cast<py::ssize_t>(s) * in_h * in_w * channels;
            for (int oy = 0; oy < out_h; ++oy) {
                const int y0 = oy * win.stride_h - win.pad_top;
                const int ky_begin = std::max(0, -y0), ky_end = std::min(win.kernel_h, in_h - y0);
                for (int ox = 0; ox < out_w; ++ox) {
                    const int x0 = ox * win.stride_w - win.pad_left;
                    const int kx_begin = std::max(0, -x0);
                    const int kx_end = std::min(win.kernel_w, in_w - x0);
                    const int count = (ky_end - ky_begin) * (kx_end - kx_begin);
                    if (count <= 0) throw std::runtime_error("pooling window sees no input");
                    for (int c = 0; c < channels; ++c) {
                        int32_t acc = kind == PoolKind::kAverage ? 0 : -128;
                        for (int ky = ky_begin; ky < ky_end; ++ky) {
                            const int8_t* row =
                                image + (static_cast<py::ssize_t>(y0 + ky) * in_w + x0) * channels;
                            for (int kx = kx_begin; kx < kx_end; ++kx) {
                                const int32_t v = row[static_cast<py::ssize_t>(kx) * channels + c];
                                acc = kind == PoolKind::kAverage ? acc + v : std::max(acc, v);
                            }
                        }
                        if (kind == PoolKind::kAverage) {
                            // C++ division truncates toward zero; the half-count nudge
                            // turns it into rounding half away from zero.
                            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        }
                        *dst++ = clamp_to_s8(acc, act_min, act_max);
                    }
                }
            }
        }
    }
    return out;
}

}  // namespace

void register_pooling(py::module_& m) {
    m.def("avg_pool2d_s8", &pool2d_s8<PoolKind::kAverage>, py::arg("x"), py::arg("kernel"),
          py::arg("stride"), py::arg("pads"), py::arg("act_min"), py::arg("act_max"),
          "int8 NHWC average pooling over a batch; padded cells are not counted.");
    m.def("max_pool2d_s8", &pool2d_s8<PoolKind::kMax>, py::arg("x"), py::arg("kernel"),
          py::arg("stride"), py::arg("pads"), py::arg("act_min"), py::arg("act_max"),
          "int8 NHWC max pooling over a batch; padded cells are ignored.");
}

}  // namespace es_sim
