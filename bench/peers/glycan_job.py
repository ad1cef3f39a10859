"""The glycan job as the Python peers do it, the way harvest did before it read sequences in bulk:
list accessions from the GlyTouCan SPARQL endpoint (keyset pages, as Virtuoso allows), fetch each
one's GlyCosmos sequences and GlyGen detail, parse both JSON bodies, convert to one record, write JSONL."""
import json
import urllib.parse

PAGE = 5000  # harvest's default page size


def listing_form(after):
    """The page of accessions after `after` ("": the first); the archive excluded (FROM NAMED, so GRAPH sees it)."""
    keyset = f'FILTER (?AccNum > "{after}") ' if after else ""
    query = ("PREFIX glytoucan: <http://www.glytoucan.org/glyco/owl/glytoucan#>\n"
             "SELECT DISTINCT ?AccNum FROM <http://rdf.glytoucan.org/core> FROM NAMED <http://rdf.glytoucan.org/archive>\n"
             "WHERE { ?s glytoucan:has_primary_id ?id . BIND (STR(?id) AS ?AccNum) " + keyset +
             "FILTER NOT EXISTS { GRAPH <http://rdf.glytoucan.org/archive> { ?s ?p ?o } } }\n"
             f"ORDER BY ?AccNum LIMIT {PAGE}\n")
    return urllib.parse.urlencode({"query": query})


def list_all(post):
    """Every accession, page by page until an empty one; post(form) returns the response body."""
    targets = []
    while page := parse_listing(post(listing_form(targets[-1][0] if targets else ""))):
        targets += page
    return targets


LISTING_HEADERS = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}


def parse_listing(body):
    rows = json.loads(body)["results"]["bindings"]
    return [(r["AccNum"]["value"], r.get("wurcs", {}).get("value")) for r in rows]


def urls(base, accession):
    return f"{base}/sparqlist/gtcid2seqs?gtcid={accession}", f"{base}/glycan/detail/{accession}/"


def record_line(accession, wurcs, seqs_body, detail_status, detail_body):
    seqs = json.loads(seqs_body) if seqs_body else []
    rec = {"wurcs": wurcs}
    for entry in seqs:
        for key in ("wurcs", "glycoct"):
            if key in entry:
                rec[key] = entry[key]
    if detail_status == 200 and detail_body:
        detail = json.loads(detail_body)
        for key in ("mass", "mass_pme", "iupac", "glycam", "inchi_key"):
            if key in detail:
                rec[key] = detail[key]
        rec["composition"] = [{"residue": c.get("residue"), "count": c.get("count")} for c in detail.get("composition") or []]
        rec["enriched"] = True
    else:
        rec["enriched"] = False
    return json.dumps({"id": accession, "source": "glytoucan", "record": rec}, separators=(",", ":")) + "\n"
