#include <stdio.h>
#include <stdlib.h>

char *p;

void f(void)
{
        int i;
        void *s[64];

        p = realloc(p, 4096);
        for (i = 0; i < 64; i++)
                s[i] = malloc(4096);
        p = realloc(p, 8192);
        for (i = 1; i < 64; i++)
                free(s[i]);

}

int main()
{
        int i;

        p = malloc(100);
        for (i = 0; i < 10; i++)
                f();

        printf("done\n");
}
