"""publiccode.yml (https://yml.publiccode.tools): import one file as one entry, and export.

Versions read: 0.2 to 0.7 (and "0", the standard's "latest 0.x"); "1", which is not a
published version, is read by the same rules with a warning. The 0.1 draft
(`publiccode-yaml-version`), other versions and multi-document files are rejected.

A file is rejected only for what leaves no trustworthy entry: not one YAML mapping, a
missing or unsupported `publiccodeYmlVersion`, a bad `name`, `url` or `landingURL`, no
usable `description`, a missing or unknown `developmentStatus` or `softwareType`, or a
`releaseDate` that is not a YYYY-MM-DD date. Any other fault is a warning that starts
with the path of the key at fault ("maintenance.contacts[0].email: ...") and the value
is left out. Checks that need the network, files beside the publiccode.yml (logos,
screenshots, authors files) or the Italian IPA register are not made.

The other choices are told where they are made: the id in `required`, the owner in
`legal`, `genericName` in `description`, hardware dependencies in `relations`, keys
checked but not mapped in `checks`. `reading` holds the importer, `writing` the export.
"""

from registry.importers.publiccode.reading import IMPORTER, PubliccodeImporter
from registry.importers.publiccode.writing import render_publiccode, to_publiccode

__all__ = ["IMPORTER", "PubliccodeImporter", "render_publiccode", "to_publiccode"]
