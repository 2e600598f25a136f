/* Compiled as C99: the public header is valid C and its basic promises hold. */
#include <pushcore.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                       \
        }                                                                     \
    } while (0)

int main(void) {
    CHECK(pushcore_version() == PUSHCORE_VERSION_NUM);
    CHECK(strcmp(pushcore_version_string(), PUSHCORE_VERSION_STRING) == 0);
    CHECK(strcmp(pushcore_status_name(PUSHCORE_E_BAD_URI), "PUSHCORE_E_BAD_URI") == 0);
    CHECK(strcmp(pushcore_status_name(-12345), "PUSHCORE_E_UNKNOWN") == 0);
    CHECK(strcmp(pushcore_strerror(PUSHCORE_OK), "success") == 0);
    CHECK(strcmp(pushcore_strerror(-12345), "unknown status") == 0);
    printf("%s\n", failures ? "c_abi: FAILED" : "c_abi: ok");
    return failures != 0;
}
