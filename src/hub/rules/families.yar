/* families.yar — tanuki-hub's family labels for binaries the decoys catch.
 *
 * Written for this repository from public write-ups of each family (the
 * strings their loaders and bots are known to carry); no sample is part of
 * the repository. Each rule's `family` meta is the label; a binary may get
 * several. Operators add their own with `option rules` (same meta). */

private rule elf
{
	condition:
		uint32(0) == 0x464c457f
}

rule mirai
{
	meta:
		family = "mirai"
		about = "Mirai and its forks: watchdog killing, the resolver and scanner strings, the attack table"
	strings:
		$w1 = "/dev/watchdog"
		$w2 = "/dev/misc/watchdog"
		$s1 = "/proc/net/tcp"
		$s2 = "/bin/busybox" nocase
		$s3 = "MIRAI"
		$s4 = "dvrHelper"
		$s5 = "TSource Engine Query"
		$s6 = "POST /cdn-cgi/"
		$s7 = "listening tun0"
	condition:
		elf and 1 of ($w*) and 3 of ($s*)
}

rule gafgyt
{
	meta:
		family = "gafgyt"
		about = "Gafgyt / Bashlite / Qbot: the IRC-less text C2's verbs"
	strings:
		$c1 = "PING" fullword
		$c2 = "GETLOCALIP"
		$c3 = "SCANNER ON"
		$c4 = "SCANNER OFF"
		$c5 = "KILLATTK"
		$c6 = "LOLNOGTFO"
		$c7 = "gayfgt"
		$c8 = "HOLD" fullword
		$c9 = "JUNK" fullword
	condition:
		elf and 4 of them
}

rule mozi
{
	meta:
		family = "mozi"
		about = "Mozi: a DHT peer-to-peer botnet, its config marker and bootstrap nodes"
	strings:
		$m1 = "[ss]"
		$m2 = "[hp]"
		$m3 = "[cpu]"
		$d1 = "dht.transmissionbt.com"
		$d2 = "router.bittorrent.com"
		$d3 = "router.utorrent.com"
		$n = "Mozi" nocase
	condition:
		elf and 2 of ($m*) and (1 of ($d*) or $n)
}

rule hajime
{
	meta:
		family = "hajime"
		about = "Hajime: the 'white hat' message and its P2P stage names"
	strings:
		$msg = "Just a white hat, securing some systems"
		$p1 = ".i.mipseb"
		$p2 = ".i.mipsel"
		$p3 = ".i.arm7"
		$h = "hajime" nocase
	condition:
		$msg or (elf and $h and 1 of ($p*))
}

rule tsunami
{
	meta:
		family = "tsunami"
		about = "Tsunami / Kaiten: an IRC bot, its PRIVMSG/NOTICE commands"
	strings:
		$i1 = "PRIVMSG %s :"
		$i2 = "NOTICE %s :"
		$i3 = "JOIN %s"
		$k1 = "KAITEN" nocase
		$k2 = "TSUNAMI <target>"
		$k3 = "PAN <target>"
		$k4 = "UNKNOWNSERVER"
	condition:
		elf and 2 of ($i*) and 1 of ($k*)
}

rule downloader
{
	meta:
		family = "downloader"
		about = "A loader's echo-dropped stub: a tiny ELF that only fetches the next stage"
	strings:
		$g = "GET /"
		$h = "HTTP/1."
		$t = "tftp" nocase
	condition:
		elf and filesize < 4096 and ($g and $h or $t)
}
