"""The RFC sections the cases cite and the requirements they check, paraphrased from
RFC 6455; shared by several groups (group-only texts live with their group)."""

REQ_LENGTH = ("The payload length is sent in 7 bits (0-125), in a 16-bit extended length "
              "(126-65535) or in a 64-bit extended length (more); a receiver must accept "
              "each form, and an echo must carry the same payload.")
REQ_PING = ("On receipt of a Ping an endpoint MUST send a Pong in response, unless it already "
            "received a Close; the Pong MUST carry the same application data as the Ping.")
REQ_PONG_UNSOLICITED = ("A Pong MAY be sent unsolicited and works as a unidirectional "
                        "heartbeat; no response to an unsolicited Pong is expected.")
REQ_CONTROL_LENGTH = ("All control frames MUST have a payload length of 125 bytes or less and "
                      "MUST NOT be fragmented; a receiver fails the connection otherwise.")
REQ_PING_ALL = ("Each Ping gets a Pong. (If several Pings are outstanding an endpoint MAY "
                "answer only the most recent one, so answering all ten is stricter than the "
                "RFC; Autobahn checks it anyway.)")
REQ_RSV = ("RSV1, RSV2 and RSV3 MUST be 0 unless a negotiated extension defines them; on a "
           "non-zero value the receiving endpoint MUST Fail the WebSocket Connection.")
REQ_OPCODE = ("Opcodes 0x3-0x7 and 0xB-0xF are reserved; if an unknown opcode is received, "
              "the receiving endpoint MUST Fail the WebSocket Connection.")
REQ_FRAG_CONTROL = "Control frames themselves MUST NOT be fragmented."
REQ_FRAG_MESSAGE = ("A fragmented message is a first frame with FIN clear and a non-zero "
                    "opcode, zero or more continuation frames (opcode 0) with FIN clear, and a "
                    "final continuation frame with FIN set; the receiver reassembles it.")
REQ_FRAG_INTERLEAVE = ("Control frames MAY be injected in the middle of a fragmented message, "
                       "and an endpoint MUST be capable of handling them there.")
REQ_FRAG_NOTHING = ("A continuation frame is only valid inside a fragmented message, and the "
                    "frames after the first one of a message must have opcode 0; a frame that "
                    "breaks these rules is a protocol error (Fail the WebSocket Connection, "
                    "1002).")
REQ_UTF8_VALID = ("Text payload data is UTF-8 (RFC 3629); a receiver must accept every valid "
                  "sequence, including non-characters and specials, across any fragmentation.")
REQ_UTF8_INVALID = ("When an endpoint is to interpret a byte stream as UTF-8 but finds that it "
                    "is not valid UTF-8, the endpoint MUST Fail the WebSocket Connection "
                    "(close code 1007).")
REQ_UTF8_FAIL_FAST = (REQ_UTF8_INVALID + " A validator that checks incrementally fails as "
                      "soon as the invalid octets arrive, before the message is complete.")
REQ_CLOSE_REPLY = ("If an endpoint receives a Close frame and did not previously send one, it "
                   "MUST send a Close frame in response (typically echoing the status code), "
                   "then close the connection; after a Close no more data frames are "
                   "processed or sent.")
REQ_CLOSE_BODY = ("A Close body, if present, starts with a 2-byte status code, optionally "
                  "followed by a UTF-8 reason; control frames carry at most 125 bytes.")
REQ_CLOSE_CODES_VALID = ("Codes 1000-1003, 1007-1011, 3000-3999 and 4000-4999 may be sent in a "
                         "Close frame; the peer replies with a Close (1000 or the echoed code).")
REQ_CLOSE_CODES_INVALID = ("Codes below 1000, 1004-1006, 1015 and unassigned codes in "
                           "1016-2999 MUST NOT be sent in a Close frame; receiving one is a "
                           "protocol error.")
REQ_CLOSE_CODES_UNDEFINED = ("Status codes above 4999 are outside every range RFC 6455 "
                             "defines; what the receiver does is not specified.")
REQ_LARGE = ("Payloads up to 2^63 bytes are allowed in one frame or across fragments; an "
             "implementation with size limits must protect itself, otherwise it echoes the "
             "message. These cases measure how fast it does so.")
REQ_AUTOFRAG = ("The receiver reassembles a message from any number of fragments, whatever "
                "fragment size the sender chose.")

RFC_FRAMING = "RFC 6455 5.2"
RFC_FRAG = "RFC 6455 5.4"
RFC_CONTROL = "RFC 6455 5.5"
RFC_CLOSE = "RFC 6455 5.5.1"
RFC_PING = "RFC 6455 5.5.2"
RFC_PONG = "RFC 6455 5.5.3"
RFC_DATA = "RFC 6455 5.6"
RFC_FAIL = "RFC 6455 7.1.7"
RFC_CLOSING = "RFC 6455 7.1.2"
RFC_CODES = "RFC 6455 7.4.1"
RFC_CODE_RANGES = "RFC 6455 7.4.2"
RFC_UTF8 = "RFC 6455 8.1"
RFC_LIMITS = "RFC 6455 10.4"


# Opening handshake (RFC 6455 section 4), cited by hs.* and hsc.*.
RFC_HS_CLIENT = "RFC 6455 4.1"
RFC_HS_READ = "RFC 6455 4.2.1"
RFC_HS_SEND = "RFC 6455 4.2.2"
RFC_HS_VERSION = "RFC 6455 4.4"
RFC_KEY_HEADER = "RFC 6455 11.3.1"
RFC_VERSION_HEADER = "RFC 6455 11.3.5"


# permessage-deflate (RFC 7692), cited by 12.*, 13.*, pmd.* and pmdc.*.
RFC_PMCE = "RFC 7692 5"
RFC_PMCE_FRAMING = "RFC 7692 6"
RFC_PMD_PARAMS = "RFC 7692 7"
RFC_PMD_SNCT = "RFC 7692 7.1.1.1"
RFC_PMD_CNCT = "RFC 7692 7.1.1.2"
RFC_PMD_SMWB = "RFC 7692 7.1.2.1"
RFC_PMD_CMWB = "RFC 7692 7.1.2.2"
RFC_PMD_COMPRESS = "RFC 7692 7.2.1"
RFC_PMD_DECOMPRESS = "RFC 7692 7.2.2"
RFC_EXTENSIONS = "RFC 6455 9.1"

# RFC 7692 7.2.2, quoted.
REQ_PMD_DECOMPRESS = ("RFC 7692 7.2.2: \"An endpoint uses the following algorithm to "
                      "decompress a message. 1. Append 4 octets of 0x00 0x00 0xff 0xff to the "
                      "tail end of the payload of the message. 2. Decompress the resulting data "
                      "using DEFLATE.\"")
