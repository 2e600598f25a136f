/* A program of a project that installed pushcore: builds with find_package and pkg-config. */
#include <pushcore.h>
#include <stdio.h>
int main(void) {
    pushcore_sip_ua_config* cfg;
    if (pushcore_sip_ua_config_new(&cfg) != 0) return 1;
    pushcore_sip_ua_config_free(cfg);
    printf("pushcore %s\n", pushcore_version_string());
    return pushcore_version() == PUSHCORE_VERSION_NUM ? 0 : 1;
}
