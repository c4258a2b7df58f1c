"""UTF-8 test data: the Greek word kosme and the stress sequences Autobahn derives from
Markus Kuhn's UTF-8-test.txt. The catalog (6.5-6.23) and
tests/data/utf8_stress_sequences.txt are both written from here."""

KOSME = bytes.fromhex("cebae1bdb9cf83cebcceb5")  # "kosme" in Greek, 11 octets


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8", errors="strict")
        return True
    except UnicodeDecodeError:
        return False


def kuhn_sequences():
    """The test sequences Autobahn derives from Markus Kuhn's UTF-8-test.txt, in Autobahn's
    order (6.5 ... 6.23); each entry is (title, file slug, [(valid, octets), ...])."""
    seqs = []
    seqs.append(("Some valid UTF-8 sequences", "valid-sequences", [
        (True, b"hello\x24world"), (True, b"hello\xc2\xa2world"),
        (True, b"hello\xe2\x82\xacworld"), (True, b"hello\xf0\xa4\xad\xa2world"),
        (True, KOSME)]))
    # Every prefix of kosme: valid exactly when it ends on a code point boundary.
    seqs.append(("All prefixes of a valid UTF-8 string with multi-octet code points",
                 "prefixes", [(is_utf8(KOSME[:i]), KOSME[:i])
                              for i in range(1, len(KOSME) + 1)]))
    seqs.append(("First possible sequence of each length", "first-possible", [
        (True, b"\x00"), (True, b"\xc2\x80"), (True, b"\xe0\xa0\x80"),
        (True, b"\xf0\x90\x80\x80")]))
    seqs.append(("First possible sequence of length 5 and 6 (beyond Unicode)",
                 "first-possible-5-6", [
                     (False, b"\xf8\x88\x80\x80\x80"), (False, b"\xfc\x84\x80\x80\x80\x80")]))
    seqs.append(("Last possible sequence of each length", "last-possible", [
        (True, b"\x7f"), (True, b"\xdf\xbf"), (True, b"\xef\xbf\xbf"),
        (True, b"\xf4\x8f\xbf\xbf")]))
    seqs.append(("Last possible sequence of length 4, 5 and 6 (beyond Unicode)",
                 "last-possible-4-5-6", [
                     (False, b"\xf7\xbf\xbf\xbf"), (False, b"\xfb\xbf\xbf\xbf\xbf"),
                     (False, b"\xfd\xbf\xbf\xbf\xbf\xbf")]))
    seqs.append(("Other boundary conditions", "boundaries", [
        (True, b"\xed\x9f\xbf"), (True, b"\xee\x80\x80"), (True, b"\xef\xbf\xbd"),
        (True, b"\xf4\x8f\xbf\xbf"), (False, b"\xf4\x90\x80\x80")]))
    seqs.append(("Unexpected continuation octets", "unexpected-continuation", [
        (False, b"\x80"), (False, b"\xbf"), (False, b"\x80\xbf"), (False, b"\x80\xbf\x80"),
        (False, b"\x80\xbf\x80\xbf"), (False, b"\x80\xbf\x80\xbf\x80"),
        (False, b"\x80\xbf\x80\xbf\x80\xbf"),
        (False, bytes(range(0x80, 0xbf)))]))  # 0x80..0xbe, as Autobahn builds it
    lonely = []
    for lo, hi in ((0xc0, 0xdf), (0xe0, 0xef), (0xf0, 0xf7), (0xf8, 0xfb), (0xfc, 0xfd)):
        lonely.append((False, b"".join(bytes([i, 0x20]) for i in range(lo, hi))))
    seqs.append(("Lonely start octets, each followed by a space", "lonely-start", lonely))
    truncated = [b"\xc0", b"\xe0\x80", b"\xf0\x80\x80", b"\xf8\x80\x80\x80",
                 b"\xfc\x80\x80\x80\x80", b"\xdf", b"\xef\xbf", b"\xf7\xbf\xbf",
                 b"\xfb\xbf\xbf\xbf", b"\xfd\xbf\xbf\xbf\xbf"]
    seqs.append(("Sequences with the last continuation octet missing", "last-octet-missing",
                 [(False, t) for t in truncated]))
    seqs.append(("Concatenation of incomplete sequences", "incomplete-concatenated",
                 [(False, b"".join(truncated))]))
    seqs.append(("Impossible octets", "impossible-octets", [
        (False, b"\xfe"), (False, b"\xff"), (False, b"\xfe\xfe\xff\xff")]))
    seqs.append(("Overlong encodings of an ASCII character", "overlong-ascii", [
        (False, b"\xc0\xaf"), (False, b"\xe0\x80\xaf"), (False, b"\xf0\x80\x80\xaf"),
        (False, b"\xf8\x80\x80\x80\xaf"), (False, b"\xfc\x80\x80\x80\x80\xaf")]))
    seqs.append(("Maximum overlong sequences", "overlong-maximum", [
        (False, b"\xc1\xbf"), (False, b"\xe0\x9f\xbf"), (False, b"\xf0\x8f\xbf\xbf"),
        (False, b"\xf8\x87\xbf\xbf\xbf"), (False, b"\xfc\x83\xbf\xbf\xbf\xbf")]))
    seqs.append(("Overlong encodings of NUL", "overlong-nul", [
        (False, b"\xc0\x80"), (False, b"\xe0\x80\x80"), (False, b"\xf0\x80\x80\x80"),
        (False, b"\xf8\x80\x80\x80\x80"), (False, b"\xfc\x80\x80\x80\x80\x80")]))
    seqs.append(("Single UTF-16 surrogates", "single-surrogates", [
        (False, bytes.fromhex(h)) for h in
        ("eda080", "edadbf", "edae80", "edafbf", "edb080", "edbe80", "edbfbf")]))
    seqs.append(("Paired UTF-16 surrogates", "paired-surrogates", [
        (False, bytes.fromhex(h)) for h in
        ("eda080edb080", "eda080edbfbf", "edadbfedb080", "edadbfedbfbf",
         "edae80edb080", "edae80edbfbf", "edafbfedb080", "edafbfedbfbf")]))
    nonchars = [(True, b"\xef\xbf\xbe"), (True, b"\xef\xbf\xbf")]
    for z1 in (0xf0, 0xf1, 0xf2, 0xf3, 0xf4):
        for z2 in (0x8f, 0x9f, 0xaf, 0xbf):
            if z1 == 0xf4 and z2 != 0x8f:
                continue  # beyond U+10FFFF
            for z3 in (0xbe, 0xbf):
                seq = bytes([z1, z2, 0xbf, z3])
                if seq not in (b"\xf0\x8f\xbf\xbe", b"\xf0\x8f\xbf\xbf"):  # overlong
                    nonchars.append((True, seq))
    seqs.append(("Non-character code points (valid UTF-8)", "noncharacters", nonchars))
    seqs.append(("Unicode specials, e.g. the replacement character", "specials", [
        (True, bytes.fromhex(h)) for h in
        ("efbfb9", "efbfba", "efbfbb", "efbfbc", "efbfbd", "efbfbe", "efbfbf")]))
    return seqs
