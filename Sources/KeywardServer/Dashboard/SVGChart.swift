import KeywardPolicy

/// Charts as inline SVG, built on the server: no script, no font download, nothing the page's
/// Content-Security-Policy has to allow. Colours come from classes styled by the dashboard's
/// stylesheet (SVG presentation attributes are markup, not inline style, so CSP permits them).
///
/// Each chart carries `role="img"`, a `<title>` and a `<desc>` listing every value, so a screen
/// reader gets the numbers the picture shows; every label is escaped.
struct SVGChart {
    struct Bar {
        var label: String
        var value: Int
        /// A CSS class for the bar (`bar-critical`, `bar-revoked`, …); nil: the default colour.
        var style: String?
        /// Where clicking the bar leads (an already-encoded dashboard URL).
        var link: String?
    }

    /// One stacked column: values per series, in ``Series`` order.
    struct Column {
        var label: String
        var values: [Int]
    }

    struct Series {
        var name: String
        var style: String
    }

    /// Horizontal bars, one per row, with the label on the left and the value at the end.
    static func horizontalBars(_ bars: [Bar], title: String, width: Int = 420) -> String {
        let rowHeight = 22
        let labelWidth = 150
        let height = max(bars.count, 1) * rowHeight + 8
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let room = Double(width - labelWidth - 60)
        var svg = open(width: width, height: height, title: title, description: bars.map { "\($0.label): \($0.value)" })
        if bars.isEmpty { svg += text(x: 4, y: 18, "no data", className: "chart-empty") }
        for (index, bar) in bars.enumerated() {
            let y = 4 + index * rowHeight
            let length = bar.value == 0 ? 0 : max(2, Int(room * Double(bar.value) / Double(maximum)))
            var row = text(x: labelWidth - 6, y: y + 15, truncated(bar.label, 20), className: "chart-label", anchor: "end")
            row += #"<rect x="\#(labelWidth)" y="\#(y + 3)" width="\#(length)" height="\#(rowHeight - 8)" class="bar \#(bar.style ?? "bar-default")"/>"#
            row += text(x: labelWidth + length + 6, y: y + 15, String(bar.value), className: "chart-value")
            svg += wrap(row, link: bar.link, label: "\(bar.label): \(bar.value)")
        }
        return svg + "</svg>"
    }

    /// Vertical bars over labelled bins (a histogram or a timeline of weeks).
    static func columns(_ bars: [Bar], title: String, width: Int = 420, height: Int = 180) -> String {
        stacked(bars.map { Column(label: $0.label, values: [$0.value]) }, series: [Series(name: title, style: bars.first?.style ?? "bar-default")],
                title: title, width: width, height: height, legend: false, links: bars.map(\.link))
    }

    /// Stacked vertical columns (usage per hour by result). Every `labelEvery`-th label is shown.
    static func stacked(_ columns: [Column], series: [Series], title: String, width: Int = 460, height: Int = 180,
                        legend: Bool = true, labelEvery: Int = 1, links: [String?] = []) -> String {
        let top = 16
        let bottom = 34
        let left = 40
        let plotHeight = height - top - bottom - (legend ? 18 : 0)
        let totals = columns.map { $0.values.reduce(0, +) }
        let maximum = max(totals.max() ?? 0, 1)
        let slot = Double(width - left - 8) / Double(max(columns.count, 1))
        let barWidth = max(2, Int(slot * 0.75))
        var description = columns.map { column in
            "\(column.label): " + zip(series, column.values).map { "\($0.name) \($1)" }.joined(separator: ", ")
        }
        if columns.isEmpty { description = ["no data"] }
        var svg = open(width: width, height: height, title: title, description: description)
        let baseline = top + plotHeight
        svg += #"<line x1="\#(left)" y1="\#(baseline)" x2="\#(width - 4)" y2="\#(baseline)" class="axis"/>"#
        svg += text(x: left - 4, y: top + 4, String(maximum), className: "chart-value", anchor: "end")
        svg += text(x: left - 4, y: baseline, "0", className: "chart-value", anchor: "end")
        for (index, column) in columns.enumerated() {
            let x = left + Int(Double(index) * slot + (slot - Double(barWidth)) / 2)
            var y = baseline
            var cell = ""
            for (value, kind) in zip(column.values, series) where value > 0 {
                let length = max(1, Int(Double(plotHeight) * Double(value) / Double(maximum)))
                y -= length
                cell += #"<rect x="\#(x)" y="\#(y)" width="\#(barWidth)" height="\#(length)" class="bar \#(kind.style)"/>"#
            }
            if totals[index] > 0, barWidth >= 14 {
                cell += text(x: x + barWidth / 2, y: y - 3, String(totals[index]), className: "chart-value", anchor: "middle")
            }
            if index % max(labelEvery, 1) == 0 {
                cell += text(x: x + barWidth / 2, y: baseline + 14, truncated(column.label, 10), className: "chart-label", anchor: "middle")
            }
            svg += wrap(cell, link: index < links.count ? links[index] : nil, label: "\(column.label): \(totals[index])")
        }
        if legend {
            var x = left
            for kind in series {
                svg += #"<rect x="\#(x)" y="\#(height - 14)" width="10" height="10" class="bar \#(kind.style)"/>"#
                svg += text(x: x + 14, y: height - 5, kind.name, className: "chart-label")
                x += 24 + kind.name.count * 7
            }
        }
        return svg + "</svg>"
    }

    private static func open(width: Int, height: Int, title: String, description: [String]) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img">"#
            + "<title>\(HTMLEscaping.escape(title))</title><desc>\(HTMLEscaping.escape(description.joined(separator: "; ")))</desc>"
    }

    private static func text(x: Int, y: Int, _ content: String, className: String, anchor: String = "start") -> String {
        #"<text x="\#(x)" y="\#(y)" class="\#(className)" text-anchor="\#(anchor)">\#(HTMLEscaping.escape(content))</text>"#
    }

    private static func wrap(_ content: String, link: String?, label: String) -> String {
        guard let link else { return "<g>" + content + "</g>" }
        return #"<a href="\#(HTMLEscaping.escape(link))" aria-label="\#(HTMLEscaping.escape(label))">"# + content + "</a>"
    }

    private static func truncated(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
