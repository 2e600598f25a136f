/* What a phone's firmware links of pushcore: the UA machine, the stream framer and the
 * pn-* reader, driven by a loop whose I/O is stubbed. Built twice by
 * tests/firmware/size.sh: with the calls, and with -DBASELINE (same program without
 * them); the difference in text size is what pushcore adds to the image. */
#include <pushcore.h>
#include <stdio.h>
#include <string.h>

/* Stand-ins for the firmware's own I/O. */
static size_t radio_read(uint8_t* buf, size_t cap) {
    (void)buf;
    (void)cap;
    return 0;
}
static void radio_write(const uint8_t* data, size_t len) {
    fwrite(data, 1, len, stdout);
}
static uint64_t monotonic_ms(void) {
    return 0;
}
static int hw_random(void* ctx, uint8_t* out, size_t len) {
    (void)ctx;
    for (size_t i = 0; i < len; ++i) out[i] = (uint8_t)(i * 131u + 7u);
    return 0;
}

int main(void) {
#ifndef BASELINE
    pushcore_sip_ua_config* cfg;
    pushcore_sip_ua* ua;
    pushcore_sip_framer* framer;
    if (pushcore_sip_ua_config_new(&cfg) != 0) return 1;
    pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_AOR, "sip:alice@example.com");
    pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_REGISTRAR, "sip:example.com");
    pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_CONTACT, "sip:alice@192.0.2.10:5060");
    pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_TRANSPORT, "TCP");
    pushcore_sip_ua_config_set_str(cfg, PUSHCORE_UA_SENT_BY, "192.0.2.10:5060");
    pushcore_sip_ua_config_set_random(cfg, hw_random, NULL);
    if (pushcore_sip_ua_new(&ua, cfg) != 0) return 1;
    pushcore_sip_ua_config_free(cfg);
    pushcore_sip_framer_new(&framer, 0, 0, 0);
    pushcore_sip_ua_start(ua, "apns", "DEF123GHIJ.com.example.app.voip", "00fc13adff78512",
                          monotonic_ms());
    uint8_t buf[2048];
    for (int round = 0; round < 2; ++round) {
        const uint8_t* data;
        size_t len;
        while (pushcore_sip_ua_next_output(ua, &data, &len) == 1) radio_write(data, len);
        size_t n = radio_read(buf, sizeof buf);
        pushcore_sip_framer_receive(framer, buf, n);
        while (pushcore_sip_framer_next(framer, &data, &len) == 1)
            pushcore_sip_ua_receive(ua, data, len, monotonic_ms());
        const pushcore_event* ev;
        uint64_t supported = 0;
        while (pushcore_sip_ua_next_event(ua, &ev) == 1)
            pushcore_event_u64(ev, PUSHCORE_FIELD_PUSH_SUPPORTED, &supported);
        if (pushcore_sip_ua_next_deadline(ua) <= monotonic_ms())
            pushcore_sip_ua_on_timeout(ua, monotonic_ms());
        pushcore_sip_ua_on_push(ua, monotonic_ms());
    }
    pushcore_push_params* pp;
    const char* c = "<sip:a@b;pn-provider=fcm;pn-prid=t>";
    if (pushcore_push_params_parse(&pp, c, strlen(c)) == 0) {
        const char* v;
        size_t len;
        if (pushcore_push_params_get(pp, PUSHCORE_PN_PRID, &v, &len) == 1) puts(v);
    }
    pushcore_push_params_free(pp);
    pushcore_sip_framer_free(framer);
    pushcore_sip_ua_free(ua);
#else
    uint8_t buf[2048];
    size_t n = radio_read(buf, sizeof buf);
    radio_write(buf, n);
    (void)hw_random(NULL, buf, 1);
    printf("%llu\n", (unsigned long long)monotonic_ms());
#endif
    return 0;
}
