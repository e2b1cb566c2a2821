"""Stage 1, reading: source files -> documents.

Takes paths (text, HTML, JSON-LD, JSON Lines, gzipped, PDF, DOCX); gives one
:class:`~nhskg.read.documents.Document` per posting: cleaned text, any structured fields, and a
:class:`~nhskg.read.documents.Problem` for what could not be read. :mod:`.readers` is the stage's
one function (``read_documents``) and the choice of a reader by file ending; :mod:`.files` opens
and decodes a file safely; :mod:`.markup` turns HTML into text; :mod:`.records` turns a JobPosting
record into a document; :mod:`.feeds` reads JSON and JSON Lines files;
:mod:`.cleaning` is the text clean-up table every reader uses;
:mod:`.office` turns PDF and Word job descriptions into text; :mod:`.documents` holds the types;
:mod:`.sentences` splits a document's text into the sentences that become evidence.
"""
