/*
 * The serial link protocol, firmware side (the host side is
 * sdk/edgesmith/boards/serial_link.py; boards/README.md, "Serial protocol").
 *
 * Every message is one frame, all integers little-endian:
 *
 *   "ES" | type u8 | seq u8 | length u32 | CRC-32 of the 8 bytes before | payload | CRC-32 of payload
 *
 * The header has a checksum of its own so that a corrupted length is caught
 * before the receiver waits for bytes that never come. CRC-32 is the one of
 * zlib and Ethernet (reflected, polynomial 0xEDB88320). Replies carry the
 * sequence number of the request they answer.
 */
#ifndef ES_LINK_H
#define ES_LINK_H

#include <stdint.h>

#define ES_LINK_VERSION 1u
#define ES_LINK_HEADER_BYTES 12u

/* Frame types: lower case from the host, upper case from the board. */
enum es_link_type {
    ES_LINK_HELLO_REQUEST = 'h',
    ES_LINK_INPUT = 'i',
    ES_LINK_HELLO = 'H',
    ES_LINK_OUTPUT = 'O',
    ES_LINK_TRACE = 'T',
    ES_LINK_ERROR = 'E'
};

/* Error codes of an ES_LINK_ERROR frame (u32 code, u32 detail, text). */
enum es_link_error {
    ES_LINK_ERR_HEADER_CHECKSUM = 1, /* a frame header arrived corrupted */
    ES_LINK_ERR_PAYLOAD_CHECKSUM = 2, /* a payload arrived corrupted */
    ES_LINK_ERR_STRAY_BYTES = 3,     /* bytes outside any frame  */
    ES_LINK_ERR_BAD_REQUEST = 4,     /* unknown type or wrong length for this firmware */
    ES_LINK_ERR_MODEL = 5,           /* the model returned an error (detail: es_status) */
    ES_LINK_ERR_FAULT = 6,           /* hard fault */
    ES_LINK_ERR_INIT = 7             /* the model's init failed */
};

typedef struct {
    uint8_t type;
    uint8_t seq;
    uint32_t length;
} es_link_header;

uint32_t es_crc32_update(uint32_t crc, const void *data, uint32_t bytes);

/* Wait for the next frame header. 0: a good header; otherwise the error was reported
 * to the host already and the caller waits for the next one. */
int es_link_read_header(es_link_header *header);
/* Read part of the payload of the frame being received into `dst` (NULL: discard). */
void es_link_read_payload(void *dst, uint32_t bytes);
/* Read the payload's checksum; 0 if it matches what was read, else reports the error. */
int es_link_finish_read(uint8_t seq);

/* Send a frame in pieces: begin (the whole length), any number of writes, end. */
void es_link_begin(uint8_t type, uint8_t seq, uint32_t length);
void es_link_write(const void *data, uint32_t bytes);
void es_link_end(void);

void es_link_send_error(uint8_t seq, uint32_t code, uint32_t detail, const char *text);

#endif /* ES_LINK_H */
