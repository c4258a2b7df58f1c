"""The whole catalog: every group in file order, rendered as the JSON text of its file."""

import json

from .autobahn_1_2_messages_and_pings import group_1, group_2
from .autobahn_3_4_reserved_bits_and_opcodes import group_3, group_4
from .autobahn_5_fragmentation import group_5
from .autobahn_6_utf8 import group_6_1_to_6_4, group_6_kuhn
from .autobahn_7_closing import group_7
from .autobahn_9_10_performance import group_9, group_10
from .autobahn_12_13_compression import group_12, group_13
from .cf_client_framing import group_cf
from .h2_extended_connect import group_h2
from .h2cl_client_extended_connect import group_h2cl
from .hs_server_handshake import group_hs
from .hsc_client_handshake import group_hsc
from .pmd_server_deflate import group_pmd
from .pmdc_client_deflate import group_pmdc
from .sf_server_framing import group_sf
from .u8_utf8_final_fragment import group_u8

# Written into every generated file; the writer removes only stale files that carry it,
# so hand-written groups can live next to the generated ones.
GENERATED_BY = "tools/gen_cases.py"


def slugify(title):
    out = []
    for ch in title.lower():
        out.append(ch if ch.isalnum() else "-")
    slug = "".join(out)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")


def all_groups():
    """(group id, title, cases[, file slug]) for every group, in the order of the files."""
    groups = []
    groups += group_1()
    groups += group_2()
    groups += group_3()
    groups += group_4()
    groups += group_5()
    groups += group_6_1_to_6_4()
    groups += group_6_kuhn()
    groups += group_7()
    groups += group_9()
    groups += group_10()
    groups += group_12()
    groups += group_13()
    groups += group_hs()
    groups += group_sf()
    groups += group_u8()
    groups += group_pmd()
    groups += group_hsc()
    groups += group_cf()
    groups += group_pmdc()
    groups += group_h2()
    groups += group_h2cl()
    return groups


def catalog_files():
    """{file name: file text} for the whole catalog, and the number of cases. Checks that
    ids are unique and belong to their group."""
    files = {}
    ids = set()
    for g in all_groups():
        group, title, cases = g[0], g[1], g[2]
        slug = g[3] if len(g) > 3 else slugify(title.replace("Handshake: ", ""))
        for c in cases:
            assert c["id"] not in ids, c["id"]
            assert c["id"].startswith(group + "."), c["id"]
            ids.add(c["id"])
        doc = {"generated_by": GENERATED_BY, "group": group, "title": title, "cases": cases}
        name = f"{group}-{slug}.json"
        assert name not in files, name
        files[name] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return files, len(ids)
