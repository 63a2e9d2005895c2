/* lwipopts.h — lwIP's options for the decoy's WAN stack (net/lwip_port.c).
 *
 * NO_SYS: no threads, no sockets or netconn API; lwIP's input and timers
 * run inside the decoy's one event loop. Raw TCP/UDP API only. Every pool
 * is static and sized from bounds.h (the reason for each size is there).
 * What lwIP does not build is off, to keep the firmware small.
 */
#ifndef TANUKI_LWIPOPTS_H
#define TANUKI_LWIPOPTS_H

#include "bounds.h"

#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_NETIF_API 0
#if TANUKI_PPP
#define LWIP_SINGLE_NETIF 0 /* the Ethernet port and the PPP link on it */
#else
#define LWIP_SINGLE_NETIF 1
#endif
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_RAW 0
/* lwIP's resolver holds the DNS servers DHCP (option 6) or PPP's IPCP
 * hand out: both call dns_setserver() (net/wan.c logs them) */
#define LWIP_DNS 1
#define DNS_TABLE_SIZE CAP_WAN_DNS_TABLE
#define DNS_MAX_NAME_LENGTH 128
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 1 /* DHCP's lease: the address is logged */
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_HOSTNAME 1 /* DHCP option 12: the persona's hostname */

/* memory: lwIP's own heap and pools, never the C library's */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT __SIZEOF_POINTER__ /* 8 on the PC, 4 on MIPS32 */
#define MEM_SIZE CAP_WAN_HEAP
#define MEMP_NUM_TCP_PCB CAP_WAN_TCP_PCBS
#define MEMP_NUM_TCP_PCB_LISTEN CAP_LISTENERS
#define MEMP_NUM_TCP_SEG CAP_WAN_TCP_SEGS
#define MEMP_NUM_UDP_PCB CAP_WAN_UDP_PCBS
#define MEMP_NUM_PBUF 16
#define MEMP_NUM_ARP_QUEUE 16
#define MEMP_NUM_REASSDATA CAP_WAN_REASS
#define PBUF_POOL_SIZE CAP_WAN_RX_PBUFS
#define PBUF_POOL_BUFSIZE 1536

/* IPv4 as the devices' Linux does it: TTL 64, reassembly on (bounded) */
#define IP_DEFAULT_TTL 64
#define IP_REASSEMBLY 1
#define IP_REASS_MAX_PBUFS CAP_WAN_REASS_PBUFS
#define IP_FRAG 0
#define IP_OPTIONS_ALLOWED 1
#define LWIP_ICMP 1
/* a port unreachable quotes the datagram up to 576 bytes in all, as Linux
 * (nmap's U1 test; package/lwip/0003-…patch lets this be set) */
#define ICMP_DEST_UNREACH_DATASIZE 528
#define LWIP_BROADCAST_PING 0
#define LWIP_MULTICAST_PING 0
#define LWIP_ARP 1
#define ARP_TABLE_SIZE CAP_WAN_ARP
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_ETHERNET 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0 /* no ARP probe before using a lease */
#define LWIP_UDP 1

/* TCP: Linux 2.6's receive window (5840 = 4 x 1460, part of its nmap
 * fingerprint), MSS 1460, a send buffer of 4 segments per connection */
#define LWIP_TCP 1
#define TCP_TTL 64
#define TCP_MSS 1460
#define TCP_WND CAP_WAN_RXBUF
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN 16
#define TCP_QUEUE_OOSEQ 0
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG CAP_WAN_BACKLOG
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_CALLBACK_API 1
/* window scaling: the shift offered is the persona's (net/wan_fp.h;
 * lwIP offers it only to a peer that offered one) */
#define LWIP_WND_SCALE 1
extern unsigned char tanuki_lwip_rcv_scale;
#define TCP_RCV_SCALE tanuki_lwip_rcv_scale
#define LWIP_TCP_TIMESTAMPS 0

/* hooks (net/lwip/wan_hooks.h): the per-source half-open cap, and random
 * initial sequence numbers (lwIP's own are a counter: predictable, which
 * invites blind spoofing, and no Linux does that) */
#define LWIP_HOOK_FILENAME "wan_hooks.h"
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) tanuki_lwip_isn()
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p)                             \
	tanuki_lwip_tcp_in(pcb, hdr, optlen, opt1len, opt2, p)
/* SYN cookies when a listener has no room (net/syncookie.c, 0004 patch) */
#define LWIP_HOOK_TCP_COOKIE_SYN tanuki_cookie_syn
#define LWIP_HOOK_TCP_COOKIE_ACK tanuki_cookie_ack

/* checksums in software both ways (a raw socket has no offload); the fuzz
 * build of lwIP skips the checks so random frames reach TCP */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_ICMP 1
#ifdef TANUKI_LWIP_FUZZ
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_ICMP 0
#else
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_ICMP 1
#endif

/* PPPoE (`proto pppoe`, net/wan_ppp.c): one PPP session over the Ethernet
 * port; PAP and CHAP-MD5 (MD5 from lwIP's polarssl subset), IPCP with the
 * peer's DNS servers; no compression, no MS-CHAP, no EAP, no server side.
 * The sizes are in bounds.h. */
#if TANUKI_PPP
#define PPP_SUPPORT 1
#define PPPOE_SUPPORT 1
#define PPPOS_SUPPORT 0
#define PPPOL2TP_SUPPORT 0
#define PPPOE_SCNAME_SUPPORT 1 /* option service / option ac */
#define PAP_SUPPORT 1
#define CHAP_SUPPORT 1
#define MSCHAP_SUPPORT 0
#define EAP_SUPPORT 0
#define CCP_SUPPORT 0
#define MPPE_SUPPORT 0
#define VJ_SUPPORT 0
#define LQR_SUPPORT 0
#define DEMAND_SUPPORT 0
#define PPP_SERVER 0
#define PPP_IPV6_SUPPORT 0
#define PPP_NOTIFY_PHASE 0
#define PRINTPKT_SUPPORT 0
#define MEMP_NUM_PPP_PCB 1
#define MEMP_NUM_PPPOE_INTERFACES 1
#define MAXNAMELEN CAP_PPP_NAME
#define MAXSECRETLEN CAP_PPP_NAME
#define PPP_MRU CAP_PPP_MRU
#define PPP_DEFMRU CAP_PPP_MRU
#define PPP_MAXMRU CAP_PPP_MRU
/* (LCP echoes: set per link from config's keepalive, net/wan_ppp.c) */
#endif

#define LWIP_DEBUG 0
#define LWIP_PROVIDE_ERRNO 0

#endif
