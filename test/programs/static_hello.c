/* Exercises a statically linked program (no ld.so, no vDSO lookups through libc's dynamic path). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("static_hello: hello from a static binary with %d argument(s)\n", argc - 1);
    for (int i = 1; i < argc; i++)
        printf("static_hello: argv[%d] = %s\n", i, argv[i]);
    char *p = malloc(1 << 20); /* large enough to go through mmap, not brk */
    if (p == NULL) return 1;
    p[0] = 'x';
    free(p);
    return 0;
}
