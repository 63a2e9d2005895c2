/* arch/cc.h — lwIP's port to the decoy: byte order from the C library,
 * randomness from sys_random(), no printing, asserts only in test builds
 * (the firmware defines LWIP_NOASSERT). */
#ifndef TANUKI_LWIP_CC_H
#define TANUKI_LWIP_CC_H

#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>

/* the C library's byte order functions (and no macros of lwIP's own that
 * would clash with <netinet/in.h>'s) */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#if BYTE_ORDER == LITTLE_ENDIAN /* big-endian: lwIP's own are the identity */
#define lwip_htons(x) htons(x)
#define lwip_htonl(x) htonl(x)
#endif

uint32_t tanuki_lwip_rand(void);
#define LWIP_RAND() tanuki_lwip_rand()

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) abort()

#endif
