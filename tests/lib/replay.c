/* replay.c — runs a libFuzzer target's inputs through a GCC build.
 *
 * The fuzz targets are built by clang with libFuzzer; clang and GCC differ
 * in what they leave unspecified (evaluation order, for one: GCC computes
 * the address on the left of `a[i].x = f()` before calling f, clang after),
 * so a corpus that is clean under clang can still hit a use-after-free in
 * the GCC build the firmware ships. This main() feeds every file named (a
 * directory: every file in it) to LLVMFuzzerTestOneInput under GCC's ASan
 * and UBSan, sanitizer errors fatal. Usage: replay_X FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nd;

			cap = cap ? cap * 2 : 4096;
			nd = realloc(d, cap);
			if (!nd) {
				fclose(f);
				free(d);
				return 1;
			}
			d = nd;
		}
		size_t r = fread(d + n, 1, cap - n, f);

		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(d, n);
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	long count = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= one(argv[i]);
			count++;
			continue;
		}
		DIR *dir = opendir(argv[i]);
		struct dirent *e;

		if (!dir) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(dir)) != NULL) {
			char p[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
			bad |= one(p);
			count++;
		}
		closedir(dir);
	}
	printf("replayed %ld inputs\n", count);
	return bad;
}
