/* proto.h — the protocol engines, by listener proto. */
#ifndef TANUKI_PROTO_H
#define TANUKI_PROTO_H

#include "config.h"
#include "proto/engine.h"

extern const struct engine telnet_engine;
extern const struct engine hg532_engine;   /* proto/hg532.c */
extern const struct engine miniigd_engine; /* proto/miniigd.c */

const struct engine *proto_engine(enum proto p);

#endif
