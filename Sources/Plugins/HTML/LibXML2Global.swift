import CLibXML2

/// libxml2's one-time, process-wide set-up: the parser's tables, and its error printing silenced
/// (a broken page is the norm on the web, not news for stderr). A static `let` runs its
/// initializer exactly once, thread-safely.
package enum LibXML2Global {
    package static let initialized: Bool = {
        xmlInitParser()
        etl_xml_silence_errors()
        return true
    }()
}
