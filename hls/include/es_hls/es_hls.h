// Every es_hls kernel (see common.h for the conventions).
#ifndef ES_HLS_ES_HLS_H_
#define ES_HLS_ES_HLS_H_

#include "es_hls/activation.h"
#include "es_hls/conv.h"
#include "es_hls/dense.h"
#include "es_hls/gather.h"
#include "es_hls/merge.h"
#include "es_hls/pooling.h"
#include "es_hls/reduce.h"
#include "es_hls/stream.h"
#include "es_hls/trace.h"

#endif  // ES_HLS_ES_HLS_H_
