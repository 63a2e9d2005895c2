/* proto.c — listener proto → engine. */
#include "proto/proto.h"

const struct engine *proto_engine(enum proto p)
{
	switch (p) {
	case PROTO_TELNET:
		return &telnet_engine;
	}
	return &telnet_engine;
}
