/* Exercises death by SIGSEGV: output flushed before the fault must survive, and the parent must see the signal. */
#include <stdio.h>
#include <sys/resource.h>

int main(void)
{
    /* No core file: the test leaves nothing behind, whatever `ulimit -c` says. */
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);

    printf("segfault: about to dereference NULL\n");
    fflush(stdout);

    /* Volatile both ways: the optimiser can neither see the NULL (it would emit ud2, SIGILL) nor drop the store. */
    volatile int *volatile p = NULL;
    *p = 42;

    printf("segfault: still alive?!\n");
    return 0;
}
