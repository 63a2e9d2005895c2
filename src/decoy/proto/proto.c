/* proto.c — listener proto → engine. */
#include "proto/proto.h"

const struct engine *proto_engine(enum proto p)
{
	switch (p) {
	case PROTO_TELNET:
		return &telnet_engine;
	case PROTO_HG532:
		return &hg532_engine;
	case PROTO_MINIIGD:
		return &miniigd_engine;
	}
	return &telnet_engine;
}
