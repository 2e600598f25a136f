/* The SIP push flow through the C ABI only, as a C99 program sees it: a UA registers
 * with a proxy, a MESSAGE triggers a push, the woken UA re-registers and receives it. */
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

/* Moves every message the UA wants to send into the proxy, and the proxy's answers
 * that go back to the phone's flow (1) into the UA. Returns how many it moved. */
static int pump(pushcore_sip_ua* ua, pushcore_sip_proxy* proxy, uint64_t now) {
    const uint8_t* data;
    size_t len;
    int moved = 0;
    while (pushcore_sip_ua_next_output(ua, &data, &len) == 1) {
        CHECK(pushcore_sip_proxy_receive(proxy, 1, "192.0.2.10", 5070, data, len, now) == 0);
        ++moved;
    }
    uint64_t flow;
    const char* host;
    uint16_t port;
    while (pushcore_sip_proxy_next_output(proxy, &data, &len, &flow, &host, &port) == 1) {
        if (flow == 1 && len > 8 && memcmp(data, "SIP/2.0 ", 8) == 0)
            CHECK(pushcore_sip_ua_receive(ua, data, len, now) == 0);
        ++moved;
    }
    return moved;
}

/* Challenges REGISTERs that carry no Authorization header. */
static int32_t challenge_register(void* ctx, const uint8_t* request, size_t len, char* challenge,
                                  size_t cap) {
    int* calls = (int*)ctx;
    ++*calls;
    if (len < 8 || memcmp(request, "REGISTER", 8) != 0) return 0;
    for (size_t i = 0; i + 14 <= len; ++i)
        if (memcmp(request + i, "Authorization:", 14) == 0) return 0;
    snprintf(challenge, cap, "Digest realm=\"example.com\", nonce=\"abc\"");
    return 401;
}

static const char* event_str(const pushcore_event* ev, int32_t field) {
    const char* s = NULL;
    size_t len = 0;
    return pushcore_event_str(ev, field, &s, &len) == 1 ? s : "";
}

int main(void) {
    pushcore_sip_proxy_config* pcfg = NULL;
    pushcore_sip_proxy* proxy = NULL;
    CHECK(pushcore_sip_proxy_config_new(&pcfg) == 0);
    CHECK(pushcore_sip_proxy_config_set_via(pcfg, "UDP", "127.0.0.1:5060") == 0);
    CHECK(pushcore_sip_proxy_config_set_u64(pcfg, PUSHCORE_PROXY_HOLD_TIMEOUT_MS, 5000) == 0);
    CHECK(pushcore_sip_proxy_config_set_u64(pcfg, 999, 1) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_sip_proxy_new(&proxy, pcfg) == 0);
    pushcore_sip_proxy_config_free(pcfg);

    pushcore_sip_ua_config* ucfg = NULL;
    pushcore_sip_ua* ua = NULL;
    CHECK(pushcore_sip_ua_config_new(&ucfg) == 0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_AOR, "sip:alice@example.com") == 0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_REGISTRAR, "sip:example.com") == 0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_CONTACT, "sip:alice@192.0.2.10:5070") ==
          0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_TRANSPORT, "TCP") == 0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_SENT_BY, "192.0.2.10:5070") == 0);
    CHECK(pushcore_sip_ua_new(&ua, ucfg) == 0);
    pushcore_sip_ua_config_free(ucfg);

    /* Register with FCM push parameters. */
    CHECK(pushcore_sip_ua_start(ua, "fcm", "123456", "tok:abc", 0) == 0);
    CHECK(pump(ua, proxy, 0) == 2);
    const pushcore_event* ev = NULL;
    uint64_t v = 0;
    CHECK(pushcore_sip_ua_next_event(ua, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_UA_REGISTERED);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_PUSH_SUPPORTED, &v) == 1 && v == 1);
    CHECK(strcmp(event_str(ev, PUSHCORE_FIELD_PNS), "fcm") == 0);
    CHECK(pushcore_sip_ua_state(ua) == PUSHCORE_UA_STATE_REGISTERED);
    CHECK(pushcore_sip_proxy_next_event(proxy, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_PROXY_BINDING_UPDATED);
    CHECK(pushcore_sip_proxy_binding_count(proxy) == 1);

    /* A MESSAGE from a caller (flow 7) is held and a push requested. */
    const char* message =
        "MESSAGE sip:alice@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKm1\r\nMax-Forwards: 70\r\n"
        "From: <sip:bob@example.org>;tag=b\r\nTo: <sip:alice@example.com>\r\n"
        "Call-ID: m1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 2\r\n\r\nhi";
    CHECK(pushcore_sip_proxy_receive(proxy, 7, "198.51.100.7", 5060, (const uint8_t*)message,
                                     strlen(message), 100) == 0);
    CHECK(pushcore_sip_proxy_held_count(proxy) == 1);
    CHECK(pushcore_sip_proxy_next_event(proxy, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_PROXY_PUSH_REQUEST);
    CHECK(strcmp(event_str(ev, PUSHCORE_FIELD_PROVIDER), "fcm") == 0);
    CHECK(strcmp(event_str(ev, PUSHCORE_FIELD_PRID), "tok:abc") == 0);
    CHECK(strcmp(event_str(ev, PUSHCORE_FIELD_PARAM), "123456") == 0);
    CHECK(pushcore_event_u64(ev, PUSHCORE_FIELD_PUSH_REASON, &v) == 1 &&
          v == PUSHCORE_PUSH_REASON_REQUEST);
    CHECK(pushcore_sip_proxy_next_deadline(proxy) == 5100);

    /* The push arrives: the UA re-registers, the proxy answers and forwards. */
    CHECK(pushcore_sip_ua_on_push(ua, 200) == 0);
    const uint8_t* data;
    size_t len;
    CHECK(pushcore_sip_ua_next_output(ua, &data, &len) == 1);
    CHECK(pushcore_sip_proxy_receive(proxy, 1, "192.0.2.10", 5070, data, len, 200) == 0);
    uint64_t flow;
    const char* host;
    uint16_t port;
    CHECK(pushcore_sip_proxy_next_output(proxy, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 12 && memcmp(data, "SIP/2.0 200 ", 12) == 0);
    CHECK(pushcore_sip_proxy_next_output(proxy, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 8 && memcmp(data, "MESSAGE ", 8) == 0);
    CHECK(strcmp(host, "192.0.2.10") == 0 && port == 5070 && flow == 1);
    CHECK(pushcore_sip_proxy_held_count(proxy) == 0);
    /* Say the phone's flow is gone: the caller gets 480 instead. */
    CHECK(pushcore_sip_proxy_output_failed(proxy, 250) == 0);
    CHECK(pushcore_sip_proxy_next_output(proxy, &data, &len, &flow, &host, &port) == 1);
    CHECK(flow == 7 && len > 12 && memcmp(data, "SIP/2.0 480 ", 12) == 0);
    CHECK(pushcore_sip_proxy_output_failed(proxy, 251) == PUSHCORE_E_NOT_FOUND);

    /* Errors carry reason and offset, and last_error always describes the latest call. */
    const char* reason = NULL;
    size_t offset = 0;
    CHECK(pushcore_sip_ua_receive(ua, (const uint8_t*)"SIP/2.0 2x", 10, 300) ==
          PUSHCORE_E_TRUNCATED);
    CHECK(pushcore_sip_ua_last_error(ua, &reason, &offset) == PUSHCORE_E_TRUNCATED);
    CHECK(reason && strlen(reason) > 0);
    CHECK(pushcore_sip_ua_update_prid(ua, "", 300) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_sip_ua_last_error(ua, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strcmp(reason, "invalid argument") == 0);
    CHECK(pushcore_sip_ua_on_push(ua, 300) == 0);
    CHECK(pushcore_sip_ua_last_error(ua, &reason, &offset) == 0);
    CHECK(strcmp(reason, "") == 0);
    while (pushcore_sip_ua_next_output(ua, &data, &len) == 1) {
    }

    /* Events can be enumerated. */
    CHECK(pushcore_sip_proxy_next_event(proxy, &ev) == 1);
    CHECK(pushcore_event_type(ev) == PUSHCORE_EVENT_PROXY_BINDING_UPDATED);
    int fields = pushcore_event_field_count(ev);
    int saw_expires = 0;
    CHECK(fields >= 3);
    for (int i = 0; i < fields; ++i) {
        int32_t field, kind;
        CHECK(pushcore_event_field_at(ev, (size_t)i, &field, &kind) == 0);
        if (field == PUSHCORE_FIELD_EXPIRES) saw_expires = kind == PUSHCORE_FIELD_KIND_U64;
    }
    CHECK(saw_expires);
    int32_t f, k;
    CHECK(pushcore_event_field_at(ev, (size_t)fields, &f, &k) == PUSHCORE_E_NOT_FOUND);

    /* A config keeps why pushcore_sip_ua_new refused it. */
    pushcore_sip_ua* none = NULL;
    CHECK(pushcore_sip_ua_config_new(&ucfg) == 0);
    CHECK(pushcore_sip_ua_config_set_str(ucfg, 77, "x") == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_sip_ua_config_last_error(ucfg, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strstr(reason, "key") != NULL);
    CHECK(pushcore_sip_ua_config_set_expires(ucfg, 0, 120) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_sip_ua_config_last_error(ucfg, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strcmp(reason, "expires must be above 0") == 0); /* the latest refusal's reason */
    CHECK(pushcore_sip_ua_config_set_str(ucfg, PUSHCORE_UA_AOR, "sip:alice@") == 0);
    CHECK(pushcore_sip_ua_new(&none, ucfg) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(none == NULL);
    CHECK(pushcore_sip_ua_config_last_error(ucfg, &reason, &offset) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(strcmp(reason, "aor is not a SIP URI") == 0);
    pushcore_sip_ua_config_free(ucfg);

    pushcore_push_params* pp = NULL;
    const char* contact = "<sip:a@b;pn-provider=fcm;pn-prid=\"x y\";pn-new=1>";
    CHECK(pushcore_push_params_parse(&pp, contact, strlen(contact)) == 0);
    const char* value;
    CHECK(pushcore_push_params_get(pp, PUSHCORE_PN_PRID, &value, &len) == 1);
    CHECK(strcmp(value, "x y") == 0);
    CHECK(pushcore_push_params_get(pp, PUSHCORE_PN_PARAM, &value, &len) == 0);
    CHECK(pushcore_push_params_unknown_count(pp) == 1);
    pushcore_provider_registry* reg = NULL;
    CHECK(pushcore_provider_registry_new(&reg, 1) == 0);
    CHECK(pushcore_push_params_validate(pp, reg) == PUSHCORE_E_PUSH_INFO_MISSING);
    CHECK(pushcore_push_params_last_error(pp, &reason, &offset) == PUSHCORE_E_PUSH_INFO_MISSING);
    CHECK(strstr(reason, "pn-param") != NULL);
    const char* uname;
    size_t uname_len, uvalue_len;
    CHECK(pushcore_push_params_unknown_get(pp, 0, &uname, &uname_len, &value, &uvalue_len) == 0);
    CHECK(strcmp(uname, "pn-new") == 0 && uname_len == 6 && uvalue_len == 1);
    CHECK(pushcore_push_params_unknown_get(pp, 1, &uname, NULL, &value, NULL) ==
          PUSHCORE_E_NOT_FOUND);
    pushcore_push_params_free(pp);

    /* Offsets of validation errors count from the start of the parsed text. */
    const char* wrong = "<sip:a@b;pn-provider=apns;pn-prid=zz;pn-param=a.b>";
    CHECK(pushcore_push_params_parse(&pp, wrong, strlen(wrong)) == 0);
    CHECK(pushcore_push_params_validate(pp, reg) == PUSHCORE_E_PUSH_INFO_INVALID);
    CHECK(pushcore_push_params_last_error(pp, &reason, &offset) == PUSHCORE_E_PUSH_INFO_INVALID);
    CHECK(offset == 26);
    pushcore_push_params_free(pp);

    /* A display name that starts with "sip" is still a name-addr. */
    const char* named = "sipgate <sip:a@b;pn-provider=fcm;pn-prid=t>";
    CHECK(pushcore_push_params_parse(&pp, named, strlen(named)) == 0);
    CHECK(pushcore_push_params_get(pp, PUSHCORE_PN_PROVIDER, &value, &len) == 1);
    CHECK(strcmp(value, "fcm") == 0);
    pushcore_push_params_free(pp);

    const char* bad = "<sip:a@b;pn-prid=%zz>";
    pp = NULL;
    CHECK(pushcore_push_params_parse(&pp, bad, strlen(bad)) == PUSHCORE_E_BAD_ESCAPE);
    CHECK(pushcore_push_params_last_error(pp, &reason, &offset) == PUSHCORE_E_BAD_ESCAPE);
    CHECK(offset == 17);
    pushcore_push_params_free(pp);

    /* 555 into a caller's buffer, with the size-query contract. */
    const char* reg_msg =
        "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
        "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c\r\n"
        "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
    size_t need = 0;
    CHECK(pushcore_sip_push_build_555((const uint8_t*)reg_msg, strlen(reg_msg), reg, 1, NULL, 0,
                                      &need) == PUSHCORE_E_BUFFER_TOO_SMALL);
    uint8_t buf[1024];
    size_t written = 0;
    CHECK(need < sizeof buf);
    CHECK(pushcore_sip_push_build_555((const uint8_t*)reg_msg, strlen(reg_msg), reg, 1, buf,
                                      sizeof buf, &written) == 0);
    CHECK(written == need);
    const char* status_line = "SIP/2.0 555 Push Notification Service Not Supported\r\n";
    CHECK(memcmp(buf, status_line, strlen(status_line)) == 0);
    CHECK(strstr((const char*)buf, "+sip.pns=\"apns,fcm,webpush\"") != NULL);
    pushcore_provider_registry_free(reg);

    /* Framing a stream split anywhere. */
    pushcore_sip_framer* framer = NULL;
    CHECK(pushcore_sip_framer_new(&framer, 0, 0, 0) == 0);
    CHECK(pushcore_sip_framer_receive(framer, (const uint8_t*)reg_msg, 20) == 0);
    CHECK(pushcore_sip_framer_next(framer, &data, &len) == 0);
    CHECK(pushcore_sip_framer_receive(framer, (const uint8_t*)reg_msg + 20, strlen(reg_msg) - 20) ==
          0);
    CHECK(pushcore_sip_framer_next(framer, &data, &len) == 1);
    CHECK(len == strlen(reg_msg));
    CHECK(pushcore_sip_framer_end(framer) == 0);
    pushcore_sip_framer_free(framer);

    /* An authorizer answers 401 with the host's challenge. */
    int calls = 0;
    pushcore_sip_proxy* guarded = NULL;
    CHECK(pushcore_sip_proxy_config_new(&pcfg) == 0);
    CHECK(pushcore_sip_proxy_config_set_authorizer(pcfg, challenge_register, &calls) == 0);
    CHECK(pushcore_sip_proxy_new(&guarded, pcfg) == 0);
    pushcore_sip_proxy_config_free(pcfg);
    CHECK(pushcore_sip_proxy_receive(guarded, 1, "192.0.2.10", 5070, (const uint8_t*)reg_msg,
                                     strlen(reg_msg), 0) == 0);
    CHECK(pushcore_sip_proxy_next_output(guarded, &data, &len, &flow, &host, &port) == 1);
    CHECK(len > 12 && memcmp(data, "SIP/2.0 401 ", 12) == 0);
    CHECK(strstr((const char*)data, "WWW-Authenticate: Digest realm=\"example.com\"") != NULL);
    CHECK(calls == 1);
    CHECK(pushcore_sip_proxy_binding_count(guarded) == 0);
    pushcore_sip_proxy_free(guarded);

    /* NULL handles are no-ops to free and invalid to use. */
    pushcore_sip_ua_free(NULL);
    pushcore_sip_proxy_free(NULL);
    CHECK(pushcore_sip_ua_on_push(NULL, 0) == PUSHCORE_E_INVALID_ARGUMENT);
    CHECK(pushcore_sip_ua_next_deadline(NULL) == PUSHCORE_NO_DEADLINE);

    pushcore_sip_ua_free(ua);
    pushcore_sip_proxy_free(proxy);
    printf("%s\n", failures ? "c_abi_sip_push: FAILED" : "c_abi_sip_push: ok");
    return failures != 0;
}
