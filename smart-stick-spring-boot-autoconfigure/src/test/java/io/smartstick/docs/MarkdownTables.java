package io.smartstick.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of Markdown tables that have a {@code Property} column and a column for the
 * default, as docs/configuration.md writes them.
 */
final class MarkdownTables {

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`]*)`");

	private MarkdownTables() {
	}

	/**
	 * Read every documented property of the given Markdown lines.
	 * @param lines the file's lines
	 * @param defaultHeader the header of the column that holds the default, such as
	 * {@code Default}
	 * @return one entry per table row whose Property cell is a single code span
	 */
	static List<DocumentedProperty> documentedProperties(List<String> lines, String defaultHeader) {
		List<DocumentedProperty> properties = new ArrayList<>();
		boolean fenced = false;
		int propertyColumn = -1;
		int defaultColumn = -1;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (line.startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			if (fenced || !line.startsWith("|")) {
				propertyColumn = -1;
				defaultColumn = -1;
				continue;
			}
			List<String> cells = cells(line);
			if (i + 1 < lines.size() && lines.get(i + 1).trim().startsWith("|-")) {
				propertyColumn = cells.indexOf("Property");
				defaultColumn = cells.indexOf(defaultHeader);
				continue;
			}
			if (propertyColumn < 0 || defaultColumn < 0 || line.startsWith("|-")
					|| cells.size() <= Math.max(propertyColumn, defaultColumn)) {
				continue;
			}
			Matcher name = CODE_SPAN.matcher(cells.get(propertyColumn));
			if (name.matches()) {
				properties.add(new DocumentedProperty(name.group(1), DocumentedDefault.parse(cells.get(defaultColumn)),
						i + 1));
			}
		}
		return properties;
	}

	private static List<String> cells(String row) {
		List<String> cells = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		String inner = row.substring(1, row.endsWith("|") && row.length() > 1 ? row.length() - 1 : row.length());
		for (int i = 0; i < inner.length(); i++) {
			char c = inner.charAt(i);
			if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
				cell.append('|');
				i++;
			}
			else if (c == '|') {
				cells.add(cell.toString().trim());
				cell.setLength(0);
			}
			else {
				cell.append(c);
			}
		}
		cells.add(cell.toString().trim());
		return cells;
	}

	/**
	 * One row of a property table.
	 * @param name the property's name, such as {@code smartstick.health.interval} or
	 * {@code smartstick.backends[i].weight}
	 * @param defaultValue what the Default cell says
	 * @param line the row's line number, from 1
	 */
	record DocumentedProperty(String name, DocumentedDefault defaultValue, int line) {
	}

	/**
	 * The Default cell of a row: a single code span is the default value itself, an empty
	 * cell says there is none, and any other text describes where the value comes from
	 * (which also means the property has no fixed default).
	 * @param value the default value, or {@code null} when the cell holds no single code
	 * span
	 * @param text the cell as written
	 */
	record DocumentedDefault(String value, String text) {

		static DocumentedDefault parse(String cell) {
			Matcher literal = CODE_SPAN.matcher(cell);
			return new DocumentedDefault(literal.matches() ? literal.group(1) : null, cell);
		}

		boolean isLiteral() {
			return this.value != null;
		}

	}

}
