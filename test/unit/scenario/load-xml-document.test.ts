import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { cdataLocation, decodeXmlBytes, parseXmlDocument } from "../../../src/scenario/xml-document.js";
import type { XmlElement } from "../../../src/scenario/xml-document.js";

function parse(text: string): XmlElement {
  const result = parseXmlDocument(text, "doc.xml");
  if ("problems" in result) assert.fail(JSON.stringify(result.problems));
  return result.root;
}

function child(el: XmlElement, index: number): XmlElement {
  const c = el.children[index];
  assert.ok(c, `child ${index} of <${el.tag}>`);
  return c;
}

void describe("parseXmlDocument", () => {
  void it("gives each element the line and column of its opening '<'", () => {
    const root = parse(['<?xml version="1.0"?>', "<scenario>", "  <send/>", "    <recv/>", "</scenario>"].join("\n"));
    assert.deepEqual(root.loc, { file: "doc.xml", line: 2, column: 1 });
    assert.deepEqual(child(root, 0).loc, { file: "doc.xml", line: 3, column: 3 });
    assert.deepEqual(child(root, 1).loc, { file: "doc.xml", line: 4, column: 5 });
  });

  void it("locates each attribute name and value, also on continuation lines", () => {
    const root = parse(
      ["<scenario>", '  <recv response="100"', '        optional = "true"/>', "</scenario>"].join("\n"),
    );
    const recv = child(root, 0);
    assert.deepEqual(recv.attrs, { response: "100", optional: "true" });
    assert.deepEqual(recv.attrLocs.response, { file: "doc.xml", line: 2, column: 9 });
    assert.deepEqual(recv.attrLocs.optional, { file: "doc.xml", line: 3, column: 9 });
    assert.deepEqual(recv.attrValueLocs.optional, { file: "doc.xml", line: 3, column: 21 });
  });

  void it("keeps attribute values as strings and decodes entities", () => {
    const root = parse('<scenario><nop display="05000" note="&lt;sip:(.*)&gt; &amp; true"/></scenario>');
    assert.deepEqual(child(root, 0).attrs, { display: "05000", note: "<sip:(.*)> & true" });
  });

  void it("keeps CDATA verbatim and maps an offset inside it to file:line:column", () => {
    const root = parse(
      [
        "<scenario>",
        "  <send>",
        "    <![CDATA[",
        "      INVITE x",
        "      [bogus]",
        "    ]]>",
        "  </send>",
        "</scenario>",
      ].join("\n"),
    );
    const cdata = child(root, 0).cdata;
    assert.ok(cdata);
    assert.equal(cdata.text, "\n      INVITE x\n      [bogus]\n    ");
    assert.deepEqual(cdata.loc, { file: "doc.xml", line: 3, column: 14 });
    assert.deepEqual(cdataLocation(cdata, cdata.text.indexOf("[bogus]")), { file: "doc.xml", line: 5, column: 7 });
  });

  void it("treats CRLF line ends as one line break when locating CDATA offsets", () => {
    const root = parse(["<scenario>", "  <send><![CDATA[", "A", "  B [x]", "]]></send>", "</scenario>"].join("\r\n"));
    const cdata = child(root, 0).cdata;
    assert.ok(cdata);
    assert.equal(cdata.text, "\nA\n  B [x]\n");
    assert.deepEqual(cdataLocation(cdata, cdata.text.indexOf("[x]")), { file: "doc.xml", line: 4, column: 5 });
  });

  void it("concatenates several CDATA sections and maps offsets into the later ones", () => {
    const root = parse(["<scenario><send><![CDATA[a]]]]><![CDATA[>", "  [k]]]></send></scenario>"].join("\n"));
    const cdata = child(root, 0).cdata;
    assert.ok(cdata);
    assert.equal(cdata.text, "a]]>\n  [k]");
    assert.equal(cdata.segments.length, 2);
    assert.deepEqual(cdataLocation(cdata, cdata.text.indexOf("[k]")), { file: "doc.xml", line: 2, column: 3 });
  });

  void it("skips the XML declaration, DOCTYPE and comments, keeping nested elements in order", () => {
    const root = parse(
      [
        '<?xml version="1.0" encoding="ISO-8859-1" ?>',
        '<!DOCTYPE scenario SYSTEM "sipp.dtd">',
        "<!-- a comment with <![CDATA[ inside ]]> -->",
        "<scenario><recv><action><ereg/><log/></action></recv><pause/></scenario>",
      ].join("\n"),
    );
    assert.equal(root.tag, "scenario");
    assert.deepEqual(
      root.children.map((c) => c.tag),
      ["recv", "pause"],
    );
    assert.deepEqual(
      child(child(root, 0), 0).children.map((c) => c.tag),
      ["ereg", "log"],
    );
  });

  void it("reports an unclosed tag as malformed XML with line and column", () => {
    const result = parseXmlDocument(["<scenario>", "  <send>", "</scenario>"].join("\n"), "bad.xml");
    assert.ok("problems" in result);
    const [problem] = result.problems;
    assert.ok(problem);
    assert.deepEqual(problem.loc, { file: "bad.xml", line: 3, column: 1 });
    assert.match(problem.message, /malformed XML.*send/);
  });

  void it("reports a second root element", () => {
    const result = parseXmlDocument("<scenario/>\n<scenario/>", "two.xml");
    assert.ok("problems" in result);
    assert.deepEqual(result.problems[0]?.loc, { file: "two.xml", line: 2, column: 1 });
  });
});

void describe("decodeXmlBytes", () => {
  void it("reads ISO-8859-1 (and undeclared) files as latin1, one character per byte", () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a n="\xe9"/>', "latin1");
    assert.equal(decodeXmlBytes(bytes), '<?xml version="1.0" encoding="ISO-8859-1"?><a n="\u00e9"/>');
    assert.equal(decodeXmlBytes(Buffer.from([0x3c, 0x61, 0xe9, 0x3e])), "<a\u00e9>");
  });

  void it("reads files that declare UTF-8, or start with a UTF-8 BOM, as UTF-8", () => {
    const text = '<?xml version="1.0" encoding="UTF-8"?><a n="\u00e9"/>';
    assert.equal(decodeXmlBytes(Buffer.from(text, "utf8")), text);
    assert.equal(decodeXmlBytes(Buffer.from("\ufeff<a>\u00e9</a>", "utf8")), "<a>\u00e9</a>");
  });
});
