"""ctypes declarations of include/pushcore/ua_profile.h: the one place that knows its C types.

Every function of the header is listed in SIGNATURES with its return and parameter types
spelled as the header spells them, in header order; CTYPES maps each spelling to its
ctypes type; _abi.declare(lib, this module) applies them (the machinery, and the types of
core.h, are in _abi.py). tests/test_ua_profile_abi.py reads the header and checks
SIGNATURES and the constants against it.

Handles are pointers to distinct opaque structures. Text goes in as pointer + length
(`const char*, size_t`: no NUL terminator needed); bodies as POINTER(c_uint8) plus a
length. Text written into a caller's buffer arrives through a writable `char*`
(POINTER(c_char), not c_char_p).
"""
from ctypes import (CFUNCTYPE, POINTER, c_char, c_char_p, c_int, c_int32, c_size_t, c_uint8,
                    c_uint16, c_uint32,
                    c_void_p)

from . import _abi
from ._abi import (NO_DEADLINE, RANDOM_FN, RANDOM_FN_SIGNATURE, BytesP, BytesPP,  # noqa: F401
                   Opaque, SizeP, StrPP, U64P)
from ._sip_push_abi import pushcore_event  # the machines' events (getters in sip_push.h)


class pushcore_ua_event(Opaque):
    pass


class pushcore_ua_body(Opaque):
    pass


class pushcore_ua_body_builder(Opaque):
    pass


class pushcore_ua_notifier_config(Opaque):
    pass


class pushcore_ua_notifier(Opaque):
    pass


class pushcore_ua_profile_answer(Opaque):
    pass


class pushcore_ua_subscriber_config(Opaque):
    pass


class pushcore_ua_subscriber(Opaque):
    pass


class pushcore_ua_discovery_config(Opaque):
    pass


class pushcore_ua_discovery(Opaque):
    pass


EventP = POINTER(pushcore_ua_event)
MachineEventP = POINTER(pushcore_event)
NotifierConfigP = POINTER(pushcore_ua_notifier_config)
NotifierP = POINTER(pushcore_ua_notifier)
AnswerP = POINTER(pushcore_ua_profile_answer)
SubscriberConfigP = POINTER(pushcore_ua_subscriber_config)
SubscriberP = POINTER(pushcore_ua_subscriber)
DiscoveryConfigP = POINTER(pushcore_ua_discovery_config)
DiscoveryP = POINTER(pushcore_ua_discovery)
U16P = POINTER(c_uint16)  # uint16_t*
BodyP = POINTER(pushcore_ua_body)
BuilderP = POINTER(pushcore_ua_body_builder)

I32P = POINTER(c_int32)   # int32_t*
U32P = POINTER(c_uint32)  # uint32_t*

# The constants of the header (PUSHCORE_ dropped).
UA_FORM_DRAFT08 = 0
UA_FORM_RFC6080 = 1
UA_PROFILE_DEVICE = 1
UA_PROFILE_USER = 2
UA_PROFILE_APPLICATION = 3
UA_PROFILE_LOCAL_NETWORK = 4
UA_PROFILE_OTHER = 5
UA_TEXT_VENDOR = 1
UA_TEXT_MODEL = 2
UA_TEXT_VERSION = 3
UA_TEXT_NETWORK_USER = 4
UA_METHOD_SUBSCRIBE = 1
UA_METHOD_NOTIFY = 2
UA_DEVICE_MAC = 1
UA_DEVICE_UUID = 2
UA_BODY_MULTIPART = 1
UA_BODY_EXTERNAL_BODY = 2
UA_BODY_URL = 3
UA_BODY_INLINE = 4
UA_PART_INDIRECT = 1
UA_PART_INLINE = 2
UA_FIELD_URL = 1
UA_FIELD_CONTENT_TYPE = 2
UA_FIELD_CONTENT_ID = 3
UA_FIELD_EXPIRATION = 4
UA_FIELD_HASH = 5
UA_FIELD_ACCESS_TYPE = 6

# The machines' event fields, types and values.
FIELD_UA_SUBSCRIPTION = 100
FIELD_UA_PROFILE_TYPE = 101
FIELD_UA_IDENTITY = 102
FIELD_UA_VENDOR = 103
FIELD_UA_MODEL = 104
FIELD_UA_VERSION = 105
FIELD_UA_NETWORK_USER = 106
FIELD_UA_KNOWN = 107
FIELD_UA_ACCEPTED = 108
FIELD_UA_END_REASON = 109
FIELD_UA_REFUSAL = 110
EVENT_UA_NOTIFIER_SUBSCRIBED = 100
EVENT_UA_NOTIFIER_REFRESHED = 101
EVENT_UA_NOTIFIER_TERMINATED = 102
EVENT_UA_NOTIFIER_ENROLLED = 103
EVENT_UA_NOTIFIER_ENROLLMENT_REFUSED = 104
EVENT_UA_NOTIFIER_DEFAULT_USER = 105
UA_END_UNSUBSCRIBED = 1
UA_END_TIMEOUT = 2
UA_END_NOTIFY_FAILED = 3
UA_END_NO_RESPONSE = 4
UA_END_BY_HOST = 5
UA_TERMINATE_DEACTIVATED = 1
UA_TERMINATE_PROBATION = 2
UA_TERMINATE_REJECTED = 3
UA_TERMINATE_GIVEUP = 4
UA_TERMINATE_NORESOURCE = 5
UA_REFUSAL_TOO_EARLY = 1
UA_REFUSAL_TOO_LATE = 2
UA_SUB_ACTIVE = 1
UA_SUB_NOTIFYING = 2
UA_SUB_TERMINATING = 3
UA_NOTIFIER_ACCEPT_UNKNOWN = 1
UA_NOTIFIER_ACCEPT_APPLICATION = 2
UA_NOTIFIER_ACCEPT_UNKNOWN_DIALOG = 3
UA_NOTIFIER_MAX_SUBSCRIPTIONS = 4
UA_NOTIFIER_MAX_EXPECTED_DEVICES = 5
UA_NOTIFIER_DEFAULT_EXPIRES = 6
UA_NOTIFIER_MIN_EXPIRES = 7
UA_NOTIFIER_MAX_EXPIRES = 8
UA_NOTIFIER_NOTIFY_TIMEOUT_MS = 9
FIELD_UA_CHALLENGE = 111
FIELD_UA_RETRY_AFTER = 112
FIELD_UA_URL = 113
FIELD_UA_CONTENT_TYPE = 114
FIELD_UA_CONTENT_ID = 115
FIELD_UA_HASH = 116
FIELD_UA_SIZE = 117
FIELD_UA_BODY = 118
FIELD_UA_APPLY_BY = 119
FIELD_UA_HASH_CHECK = 120
EVENT_UA_SUBSCRIBER_SUBSCRIBED = 120
EVENT_UA_SUBSCRIBER_AUTH_REQUIRED = 121
EVENT_UA_SUBSCRIBER_FAILED = 122
EVENT_UA_SUBSCRIBER_UNSUBSCRIBED = 123
EVENT_UA_SUBSCRIBER_TERMINATED = 124
EVENT_UA_SUBSCRIBER_FETCH = 125
EVENT_UA_SUBSCRIBER_PROFILE = 126
EVENT_UA_SUBSCRIBER_NO_PROFILE = 127
EVENT_UA_SUBSCRIBER_APPLY_BY = 128
EVENT_UA_SUBSCRIBER_APPLY_WHEN_IDLE = 129
EVENT_UA_SUBSCRIBER_PROFILE_READY = 130
EVENT_UA_SUBSCRIBER_FETCH_FAILED = 131
EVENT_UA_SUBSCRIBER_APPLY_DUE = 132
EVENT_UA_SUBSCRIBER_REFRESH_FAILED = 133
UA_HASH_NOT_GIVEN = 1
UA_HASH_VERIFIED = 2
UA_HASH_UNVERIFIABLE = 3
UA_HASH_MISMATCH = 4
UA_SUBSCRIBER_STATE_IDLE = 1
UA_SUBSCRIBER_STATE_SUBSCRIBING = 2
UA_SUBSCRIBER_STATE_SUBSCRIBED = 3
UA_SUBSCRIBER_STATE_REFRESHING = 4
UA_SUBSCRIBER_STATE_UNSUBSCRIBING = 5
UA_SUBSCRIBER_STATE_TERMINATED = 6
UA_SUBSTATE_NONE = 1
UA_SUBSTATE_PENDING = 2
UA_SUBSTATE_ACTIVE = 3
UA_SUBSTATE_TERMINATED = 4
UA_SUBSCRIBER_STR_REQUEST_URI = 1
UA_SUBSCRIBER_STR_FROM = 2
UA_SUBSCRIBER_STR_TO = 3
UA_SUBSCRIBER_STR_CONTACT = 4
UA_SUBSCRIBER_STR_TRANSPORT = 5
UA_SUBSCRIBER_STR_SENT_BY = 6
UA_SUBSCRIBER_STR_VENDOR = 7
UA_SUBSCRIBER_STR_MODEL = 8
UA_SUBSCRIBER_STR_VERSION = 9
UA_SUBSCRIBER_STR_NETWORK_USER = 10
UA_SUBSCRIBER_STR_USER_AGENT = 11
UA_SUBSCRIBER_EXPIRES = 1
UA_SUBSCRIBER_REFRESH_MARGIN = 2
FIELD_UA_URI = 121
FIELD_UA_SOURCE = 122
FIELD_UA_HOST = 123
EVENT_UA_DISCOVERY_SUBSCRIBE = 140
EVENT_UA_DISCOVERY_AUTHORIZATION_REQUIRED = 141
EVENT_UA_DISCOVERY_PROFILE_UNAVAILABLE = 142
EVENT_UA_DISCOVERY_CANDIDATE_REJECTED = 143
EVENT_UA_DISCOVERY_PERSIST_DEVICE_URI = 144
EVENT_UA_DISCOVERY_MANUAL_ENTRY_REQUIRED = 145
EVENT_UA_DISCOVERY_USER_AOR_REQUIRED = 146
EVENT_UA_DISCOVERY_COMPLETE = 147
UA_SOURCE_LOCAL_DOMAIN = 1
UA_SOURCE_CACHED = 2
UA_SOURCE_DHCP_SIP_SERVER = 3
UA_SOURCE_SIPUACONFIG = 4
UA_SOURCE_MANUAL = 5
UA_SOURCE_USER_AOR = 6
UA_OUTCOME_WITH_PROFILE = 1
UA_OUTCOME_WITHOUT_PROFILE = 2
UA_OUTCOME_TIMEOUT = 3
UA_OUTCOME_FAILURE = 4
UA_DISCOVERY_STATE_IDLE = 1
UA_DISCOVERY_STATE_LOCAL_NETWORK = 2
UA_DISCOVERY_STATE_DEVICE = 3
UA_DISCOVERY_STATE_DEVICE_ENROLLED = 4
UA_DISCOVERY_STATE_MANUAL_ENTRY = 5
UA_DISCOVERY_STATE_AWAITING_USER_AOR = 6
UA_DISCOVERY_STATE_USER = 7
UA_DISCOVERY_STATE_APPLICATION = 8
UA_DISCOVERY_STATE_DONE = 9
UA_DISCOVERY_STR_CACHED_DEVICE_URI = 1
UA_DISCOVERY_STR_DHCP_DOMAIN = 2
UA_DISCOVERY_STR_CONFIGURED_DOMAIN = 3
UA_DISCOVERY_STR_USER_AOR = 4

# The event fields by name (the machines' own, and the sip_push.h ones they reuse).
FIELDS = [("code", 1), ("expires", 3), ("subscription", FIELD_UA_SUBSCRIPTION),
          ("profile_type", FIELD_UA_PROFILE_TYPE), ("identity", FIELD_UA_IDENTITY),
          ("vendor", FIELD_UA_VENDOR), ("model", FIELD_UA_MODEL),
          ("version", FIELD_UA_VERSION), ("network_user", FIELD_UA_NETWORK_USER),
          ("known", FIELD_UA_KNOWN), ("accepted", FIELD_UA_ACCEPTED),
          ("end_reason", FIELD_UA_END_REASON), ("refusal", FIELD_UA_REFUSAL),
          ("reason", 2), ("challenge", FIELD_UA_CHALLENGE),
          ("retry_after", FIELD_UA_RETRY_AFTER), ("url", FIELD_UA_URL),
          ("content_type", FIELD_UA_CONTENT_TYPE), ("content_id", FIELD_UA_CONTENT_ID),
          ("hash", FIELD_UA_HASH), ("size", FIELD_UA_SIZE), ("body", FIELD_UA_BODY),
          ("apply_by", FIELD_UA_APPLY_BY), ("hash_check", FIELD_UA_HASH_CHECK),
          ("uri", FIELD_UA_URI), ("source", FIELD_UA_SOURCE), ("host", FIELD_UA_HOST)]

# typedef int (*pushcore_ua_lookup_fn)(void* ctx, int32_t profile_type, const char* identity,
#                                      size_t len, pushcore_ua_profile_answer* answer);
LOOKUP_FN_SIGNATURE = ("int", ["void*", "int32_t", "const char*", "size_t",
                               "pushcore_ua_profile_answer*"])
LOOKUP_FN = CFUNCTYPE(c_int, c_void_p, c_int32, c_char_p, c_size_t, AnswerP)
# typedef int (*pushcore_ua_network_user_fn)(void* ctx, const char* device, size_t device_len,
#                                            const char* network_user, size_t network_user_len);
NETWORK_USER_FN_SIGNATURE = ("int", ["void*", "const char*", "size_t", "const char*", "size_t"])
NETWORK_USER_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_size_t, c_char_p, c_size_t)
# typedef int (*pushcore_ua_hash_fn)(void* ctx, const uint8_t* data, size_t len,
#                                    uint8_t out20[20]);
HASH_FN_SIGNATURE = ("int", ["void*", "const uint8_t*", "size_t", "uint8_t*"])
HASH_FN = CFUNCTYPE(c_int, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_uint8))

# The ctypes type of each C type the header uses, named by its C spelling (see _abi.py).
CTYPES = {
    **_abi.CORE_CTYPES,
    "char*": POINTER(c_char),
    "int32_t*": I32P,
    "uint32_t*": U32P,
    "uint16_t": c_uint16,
    "uint16_t*": U16P,
    "pushcore_ua_lookup_fn": LOOKUP_FN,
    "pushcore_ua_network_user_fn": NETWORK_USER_FN,
    "pushcore_ua_hash_fn": HASH_FN,
    **_abi.handle_ctypes(pushcore_ua_event, pushcore_ua_body, pushcore_ua_body_builder,
                         pushcore_event, pushcore_ua_notifier_config, pushcore_ua_notifier,
                         pushcore_ua_profile_answer, pushcore_ua_subscriber_config,
                         pushcore_ua_subscriber, pushcore_ua_discovery_config,
                         pushcore_ua_discovery),
}

_DEVICE_OUT = ["char*", "size_t", "size_t*", "const char**", "size_t*"]

# (name, return type, [parameter types]) as the header spells them, in its order.
SIGNATURES = [
    # the Event header field
    ("pushcore_ua_event_parse", "int", ["pushcore_ua_event**", "const char*", "size_t"]),
    ("pushcore_ua_event_new", "int", ["pushcore_ua_event**"]),
    ("pushcore_ua_event_free", "void", ["pushcore_ua_event*"]),
    ("pushcore_ua_event_profile_type", "int",
     ["pushcore_ua_event*", "int32_t*", "const char**", "size_t*"]),
    ("pushcore_ua_event_text", "int",
     ["pushcore_ua_event*", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_event_effective_by", "int", ["const pushcore_ua_event*", "uint32_t*"]),
    ("pushcore_ua_event_unknown_count", "int", ["const pushcore_ua_event*"]),
    ("pushcore_ua_event_unknown_get", "int",
     ["pushcore_ua_event*", "size_t", "const char**", "size_t*", "const char**", "size_t*",
      "int32_t*"]),
    ("pushcore_ua_event_check", "int", ["pushcore_ua_event*", "int32_t", "int32_t"]),
    ("pushcore_ua_event_ignored_count", "int", ["const pushcore_ua_event*"]),
    ("pushcore_ua_event_ignored_at", "int",
     ["const pushcore_ua_event*", "size_t", "const char**"]),
    ("pushcore_ua_event_set_profile_type", "int",
     ["pushcore_ua_event*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_event_set_text", "int",
     ["pushcore_ua_event*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_event_set_effective_by", "int", ["pushcore_ua_event*", "int32_t", "uint32_t"]),
    ("pushcore_ua_event_build", "int", ["pushcore_ua_event*", "char*", "size_t", "size_t*"]),
    ("pushcore_ua_event_last_error", "int",
     ["const pushcore_ua_event*", "const char**", "size_t*"]),
    # device identifiers
    ("pushcore_ua_device_id_normalize_mac", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_parse_uuid", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_mac_to_uuid", "int", ["const char*", "size_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_parse_uri", "int",
     ["const char*", "size_t", "int32_t", "char*", "size_t", "size_t*", "int32_t*", "int32_t*",
      "size_t*", "size_t*", "const char**", "size_t*"]),
    ("pushcore_ua_device_id_build_uri", "int",
     ["const char*", "size_t", "const char*", "size_t", "int32_t"] + _DEVICE_OUT),
    ("pushcore_ua_device_id_build_local_network_uri", "int",
     ["const char*", "size_t", "const char*", "size_t", "int32_t"] + _DEVICE_OUT),
    # NOTIFY bodies
    ("pushcore_ua_body_parse", "int",
     ["pushcore_ua_body**", "const char*", "size_t", "const uint8_t*", "size_t", "size_t",
      "size_t"]),
    ("pushcore_ua_body_free", "void", ["pushcore_ua_body*"]),
    ("pushcore_ua_body_form", "int32_t", ["const pushcore_ua_body*"]),
    ("pushcore_ua_body_part_count", "int", ["const pushcore_ua_body*"]),
    ("pushcore_ua_body_part_kind", "int",
     ["const pushcore_ua_body*", "size_t", "int32_t*", "size_t*"]),
    ("pushcore_ua_body_part_str", "int",
     ["pushcore_ua_body*", "size_t", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_body_part_size", "int", ["const pushcore_ua_body*", "size_t", "uint64_t*"]),
    ("pushcore_ua_body_part_data", "int",
     ["const pushcore_ua_body*", "size_t", "const uint8_t**", "size_t*"]),
    ("pushcore_ua_body_last_error", "int",
     ["const pushcore_ua_body*", "const char**", "size_t*"]),
    # the body builder
    ("pushcore_ua_body_builder_new", "int", ["pushcore_ua_body_builder**"]),
    ("pushcore_ua_body_builder_free", "void", ["pushcore_ua_body_builder*"]),
    ("pushcore_ua_body_builder_add_indirect", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t", "const char*", "size_t",
      "const char*", "size_t", "const char*", "size_t", "int32_t", "uint64_t", "const char*",
      "size_t"]),
    ("pushcore_ua_body_builder_add_inline", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t", "const char*", "size_t",
      "const uint8_t*", "size_t"]),
    ("pushcore_ua_body_builder_set_boundary", "int",
     ["pushcore_ua_body_builder*", "const char*", "size_t"]),
    ("pushcore_ua_body_builder_finish", "int",
     ["pushcore_ua_body_builder*", "int32_t", "const char**", "size_t*", "const uint8_t**",
      "size_t*"]),
    ("pushcore_ua_body_builder_last_error", "int",
     ["const pushcore_ua_body_builder*", "const char**", "size_t*"]),
    # the notifier
    ("pushcore_ua_profile_answer_set_str", "int",
     ["pushcore_ua_profile_answer*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_profile_answer_set_size", "int", ["pushcore_ua_profile_answer*", "uint64_t"]),
    ("pushcore_ua_profile_answer_set_body", "int",
     ["pushcore_ua_profile_answer*", "const uint8_t*", "size_t"]),
    ("pushcore_ua_profile_answer_query_text", "int",
     ["const pushcore_ua_profile_answer*", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_notifier_config_new", "int", ["pushcore_ua_notifier_config**"]),
    ("pushcore_ua_notifier_config_free", "void", ["pushcore_ua_notifier_config*"]),
    ("pushcore_ua_notifier_config_set_contact", "int",
     ["pushcore_ua_notifier_config*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_config_set_sent_by", "int",
     ["pushcore_ua_notifier_config*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_config_set_form", "int", ["pushcore_ua_notifier_config*", "int32_t"]),
    ("pushcore_ua_notifier_config_set_u64", "int",
     ["pushcore_ua_notifier_config*", "int32_t", "uint64_t"]),
    ("pushcore_ua_notifier_config_set_random", "int",
     ["pushcore_ua_notifier_config*", "pushcore_random_fn", "void*"]),
    ("pushcore_ua_notifier_config_set_lookup", "int",
     ["pushcore_ua_notifier_config*", "pushcore_ua_lookup_fn", "void*"]),
    ("pushcore_ua_notifier_config_set_network_user_policy", "int",
     ["pushcore_ua_notifier_config*", "pushcore_ua_network_user_fn", "void*"]),
    ("pushcore_ua_notifier_config_last_error", "int",
     ["const pushcore_ua_notifier_config*", "const char**", "size_t*"]),
    ("pushcore_ua_notifier_new", "int",
     ["pushcore_ua_notifier**", "const pushcore_ua_notifier_config*"]),
    ("pushcore_ua_notifier_free", "void", ["pushcore_ua_notifier*"]),
    ("pushcore_ua_notifier_receive", "int",
     ["pushcore_ua_notifier*", "const uint8_t*", "size_t", "uint64_t", "const char*", "size_t",
      "uint16_t", "uint64_t"]),
    ("pushcore_ua_notifier_profile_changed", "int",
     ["pushcore_ua_notifier*", "int32_t", "const char*", "size_t", "int32_t", "uint32_t",
      "uint64_t"]),
    ("pushcore_ua_notifier_terminate", "int",
     ["pushcore_ua_notifier*", "uint64_t", "int32_t", "uint32_t", "uint64_t"]),
    ("pushcore_ua_notifier_next_output", "int",
     ["pushcore_ua_notifier*", "const uint8_t**", "size_t*", "uint64_t*", "const char**",
      "uint16_t*"]),
    ("pushcore_ua_notifier_output_failed", "int", ["pushcore_ua_notifier*", "uint64_t"]),
    ("pushcore_ua_notifier_next_event", "int", ["pushcore_ua_notifier*", "const pushcore_event**"]),
    ("pushcore_ua_notifier_next_deadline", "uint64_t", ["const pushcore_ua_notifier*"]),
    ("pushcore_ua_notifier_on_timeout", "int", ["pushcore_ua_notifier*", "uint64_t"]),
    ("pushcore_ua_notifier_subscription_count", "int", ["const pushcore_ua_notifier*"]),
    ("pushcore_ua_notifier_state_of", "int", ["const pushcore_ua_notifier*", "uint64_t"]),
    ("pushcore_ua_notifier_add_expected", "int",
     ["pushcore_ua_notifier*", "const char*", "size_t", "uint64_t", "uint64_t"]),
    ("pushcore_ua_notifier_remove_expected", "int",
     ["pushcore_ua_notifier*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_is_expected", "int",
     ["const pushcore_ua_notifier*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_is_enrolled", "int",
     ["const pushcore_ua_notifier*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_remove_enrolled", "int",
     ["pushcore_ua_notifier*", "const char*", "size_t"]),
    ("pushcore_ua_notifier_last_error", "int",
     ["const pushcore_ua_notifier*", "const char**", "size_t*"]),
    # the subscriber
    ("pushcore_ua_subscriber_config_new", "int", ["pushcore_ua_subscriber_config**"]),
    ("pushcore_ua_subscriber_config_free", "void", ["pushcore_ua_subscriber_config*"]),
    ("pushcore_ua_subscriber_config_set_profile_type", "int",
     ["pushcore_ua_subscriber_config*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_subscriber_config_set_form", "int",
     ["pushcore_ua_subscriber_config*", "int32_t"]),
    ("pushcore_ua_subscriber_config_set_str", "int",
     ["pushcore_ua_subscriber_config*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_subscriber_config_set_u64", "int",
     ["pushcore_ua_subscriber_config*", "int32_t", "uint64_t"]),
    ("pushcore_ua_subscriber_config_add_accept", "int",
     ["pushcore_ua_subscriber_config*", "const char*", "size_t"]),
    ("pushcore_ua_subscriber_config_set_random", "int",
     ["pushcore_ua_subscriber_config*", "pushcore_random_fn", "void*"]),
    ("pushcore_ua_subscriber_config_set_hash", "int",
     ["pushcore_ua_subscriber_config*", "pushcore_ua_hash_fn", "void*"]),
    ("pushcore_ua_subscriber_config_last_error", "int",
     ["const pushcore_ua_subscriber_config*", "const char**", "size_t*"]),
    ("pushcore_ua_subscriber_new", "int",
     ["pushcore_ua_subscriber**", "const pushcore_ua_subscriber_config*"]),
    ("pushcore_ua_subscriber_free", "void", ["pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_start", "int", ["pushcore_ua_subscriber*", "uint64_t"]),
    ("pushcore_ua_subscriber_stop", "int", ["pushcore_ua_subscriber*", "uint64_t"]),
    ("pushcore_ua_subscriber_receive", "int",
     ["pushcore_ua_subscriber*", "const uint8_t*", "size_t", "uint64_t"]),
    ("pushcore_ua_subscriber_on_fetched", "int",
     ["pushcore_ua_subscriber*", "const char*", "size_t", "const uint8_t*", "size_t",
      "uint64_t"]),
    ("pushcore_ua_subscriber_on_fetch_failed", "int",
     ["pushcore_ua_subscriber*", "const char*", "size_t", "uint64_t"]),
    ("pushcore_ua_subscriber_applied", "int", ["pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_next_output", "int",
     ["pushcore_ua_subscriber*", "const uint8_t**", "size_t*"]),
    ("pushcore_ua_subscriber_next_event", "int",
     ["pushcore_ua_subscriber*", "const pushcore_event**"]),
    ("pushcore_ua_subscriber_next_deadline", "uint64_t", ["const pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_on_timeout", "int", ["pushcore_ua_subscriber*", "uint64_t"]),
    ("pushcore_ua_subscriber_state", "int", ["const pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_sub_state", "int", ["const pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_pending_fetches", "int", ["const pushcore_ua_subscriber*"]),
    ("pushcore_ua_subscriber_current_profile_str", "int",
     ["pushcore_ua_subscriber*", "const char*", "size_t", "int32_t", "const char**", "size_t*"]),
    ("pushcore_ua_subscriber_current_profile_body", "int",
     ["pushcore_ua_subscriber*", "const char*", "size_t", "const uint8_t**", "size_t*"]),
    ("pushcore_ua_subscriber_current_profile_apply_by", "int",
     ["pushcore_ua_subscriber*", "const char*", "size_t", "uint64_t*"]),
    ("pushcore_ua_subscriber_last_error", "int",
     ["const pushcore_ua_subscriber*", "const char**", "size_t*"]),
    # discovery
    ("pushcore_ua_discovery_config_new", "int", ["pushcore_ua_discovery_config**"]),
    ("pushcore_ua_discovery_config_free", "void", ["pushcore_ua_discovery_config*"]),
    ("pushcore_ua_discovery_config_set_device", "int",
     ["pushcore_ua_discovery_config*", "const char*", "size_t"]),
    ("pushcore_ua_discovery_config_set_form", "int", ["pushcore_ua_discovery_config*", "int32_t"]),
    ("pushcore_ua_discovery_config_set_str", "int",
     ["pushcore_ua_discovery_config*", "int32_t", "const char*", "size_t"]),
    ("pushcore_ua_discovery_config_add_dhcp_sip_server", "int",
     ["pushcore_ua_discovery_config*", "const char*", "size_t"]),
    ("pushcore_ua_discovery_config_set_application_profile", "int",
     ["pushcore_ua_discovery_config*", "int32_t"]),
    ("pushcore_ua_discovery_config_last_error", "int",
     ["const pushcore_ua_discovery_config*", "const char**", "size_t*"]),
    ("pushcore_ua_discovery_new", "int",
     ["pushcore_ua_discovery**", "const pushcore_ua_discovery_config*"]),
    ("pushcore_ua_discovery_free", "void", ["pushcore_ua_discovery*"]),
    ("pushcore_ua_discovery_start", "int", ["pushcore_ua_discovery*"]),
    ("pushcore_ua_discovery_report", "int", ["pushcore_ua_discovery*", "int32_t", "uint32_t"]),
    ("pushcore_ua_discovery_manual_host", "int",
     ["pushcore_ua_discovery*", "const char*", "size_t"]),
    ("pushcore_ua_discovery_user_aor", "int", ["pushcore_ua_discovery*", "const char*", "size_t"]),
    ("pushcore_ua_discovery_next_event", "int",
     ["pushcore_ua_discovery*", "const pushcore_event**"]),
    ("pushcore_ua_discovery_state", "int", ["const pushcore_ua_discovery*"]),
    ("pushcore_ua_discovery_current", "int",
     ["pushcore_ua_discovery*", "int32_t*", "int32_t*", "const char**", "size_t*"]),
    ("pushcore_ua_discovery_remaining_device_candidates", "int",
     ["const pushcore_ua_discovery*"]),
    ("pushcore_ua_discovery_last_error", "int",
     ["const pushcore_ua_discovery*", "const char**", "size_t*"]),
]
