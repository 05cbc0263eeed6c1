import Testing

@testable import Documents

@Suite("CSV files (RFC 4180, safe in spreadsheets)")
struct CSVWriterTests {
    func text(_ records: [[String]]) -> String {
        var writer = CSVWriter()
        for record in records { writer.append(record) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func everyRecordEndsWithCRLFAndPlainCellsStayBare() {
        #expect(text([["code", "name"], ["ABC", "Ann Lee"]]) == "code,name\r\nABC,Ann Lee\r\n")
        #expect(text([["", "x", ""]]) == ",x,\r\n")
    }

    @Test func cellsWithCommasQuotesOrLineBreaksAreQuotedWithTheirQuotesDoubled() {
        #expect(CSVWriter.encode("Lee, Ann") == "\"Lee, Ann\"")
        #expect(CSVWriter.encode("Ann \"the fan\" Lee") == "\"Ann \"\"the fan\"\" Lee\"")
        #expect(CSVWriter.encode("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.encode("two\r\nlines") == "\"two\r\nlines\"", "CR LF is one Character in Swift, still quoted")
        #expect(CSVWriter.encode("a\rb") == "\"a\rb\"")
    }

    @Test(arguments: ["=", "+", "-", "@", "\t", "\r"])
    func aCellThatASpreadsheetWouldEvaluateGetsALeadingApostrophe(first: String) {
        #expect(CSVWriter.neutralise(first + "1+1") == "'" + first + "1+1")
    }

    @Test func formulasAreNeutralisedAndStillQuotedWhenTheyNeedIt() {
        #expect(CSVWriter.encode("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSVWriter.encode("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVWriter.encode("-2") == "'-2")
        #expect(CSVWriter.encode("\rX") == "\"'\rX\"")
        #expect(CSVWriter.encode("a=b") == "a=b", "only the first character counts")
        #expect(CSVWriter.encode("'=already") == "'=already")
    }

    @Test func unicodeIsWrittenAsUTF8() {
        var writer = CSVWriter()
        writer.append(["Zoë", "東京", "🎟️"])
        #expect(writer.bytes == Array("Zoë,東京,🎟️\r\n".utf8))
    }
}
