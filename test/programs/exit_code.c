/* Exercises a plain non-zero exit status: prints a line, then exit(3). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("exit_code: leaving with status 3\n");
    exit(3);
}
