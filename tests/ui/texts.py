"""What a person can read in a widget tree: used to prove the Key never shows."""
from __future__ import annotations


def shown_texts(root, *, except_widget=None) -> list[str]:
    """Every text a person (or a screen reader) can get from ``root`` and its children.

    ``except_widget``'s own text is left out: it is the masked Key field.
    """
    from rendertally.ui.qt import QComboBox, QLabel, QLineEdit, QTableWidget, QtWidgets, QWidget

    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.windowTitle(), widget.statusTip(), widget.whatsThis(),
                  widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, (QLabel, QtWidgets.QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
            if widget is not except_widget:
                texts.append(widget.text())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTableWidget):
            for row in range(widget.rowCount()):
                for column in range(widget.columnCount()):
                    item = widget.item(row, column)
                    if item is not None:
                        texts += [item.text(), item.toolTip()]
    return texts
