"""The settings form: one editor per setting, checked as you type, saved as a set of changes.

Every rule comes from ``core.settings.FIELDS`` (each cleaner raises ``ValidationError`` with a
message that says what to fix); the form only shows those messages next to the field.
"""
from __future__ import annotations

from typing import Union

from rendertally.core import settings as settings_mod
from rendertally.core.errors import ConfigurationError, ValidationError
from rendertally.core.settings import DEFAULT_URL, FIELDS, Settings

from .qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

Editor = Union[QLineEdit, QComboBox]

LABELS = {
    "id": "Id", "key": "Key", "email": "E-mail", "job_type": "Default job type",
    "mission_id": "Mission id", "url": "API URL", "format": "Format", "proxy": "Proxy",
    "ca_bundle": "CA bundle", "farm_reporting": "Farm reporting",
}
ADVANCED = ("url", "format", "proxy", "ca_bundle", "farm_reporting")
CHOICES = {
    "job_type": (("Economy", "economy"), ("Normal", "normal"), ("Test", "test")),
    "format": (("JSON", "json"), ("XML", "xml")),
    # on: the studio's farm manager reports farm jobs; renders inside farm tasks report nothing.
    "farm_reporting": (("Off: every render reports itself", "off"), ("On: the farm manager reports farm jobs", "on")),
}
PLACEHOLDERS = {
    "id": "the Id on your render service account page", "key": "the Key from the same page",
    "email": "name@example.com",
    "mission_id": "optional", "url": DEFAULT_URL, "proxy": "optional, e.g. http://proxy.example.com:3128",
    "ca_bundle": "optional: a PEM file, for studios that inspect TLS",
}
ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #757575; font-style: italic;"


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` masked: a last line of defence for anything a widget shows."""
    return text.replace(secret, "********") if secret and len(secret) >= 4 else text


def field_message(name: str, exc: ValidationError) -> str:
    """The cleaner's message as a sentence next to the field ("E-mail: 'x' is not ...")."""
    message = exc.message.strip()
    if message.startswith(("is ", "must ")):
        return f"{LABELS[name]} {message}"
    return f"{LABELS[name]}: {message}" if message[:1].islower() else message


class SettingsForm(QWidget):
    """Editors for every field of ``FIELDS`` with Save and Revert."""

    dirtyChanged = Signal(bool)
    saved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, Editor] = {}
        self.messages: dict[str, QLabel] = {}
        self.errors: dict[str, str] = {}
        self.loaded = Settings()
        self._dirty = False
        # The saved Key is kept out of its field until shown or replaced: a password field's
        # dots would still tell anyone looking at the screen how long the Key is.
        self._key_kept = False
        self._build()
        self.load(settings_mod.load())

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.hide()
        layout.addWidget(self.problems)

        main = QFormLayout()
        for name in FIELDS:
            if name not in ADVANCED:
                main.addRow(LABELS[name], self._row(name))
        layout.addLayout(main)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self.set_advanced_visible)
        layout.addWidget(self.advanced_toggle)
        self.advanced = QWidget()
        advanced = QFormLayout(self.advanced)
        advanced.setContentsMargins(16, 0, 0, 0)
        for name in ADVANCED:
            advanced.addRow(LABELS[name], self._row(name))
        layout.addWidget(self.advanced)
        self.set_advanced_visible(False)

        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def _row(self, name: str) -> QWidget:
        """The editor (with its extra button, if any) above its message line."""
        editor = self._editor(name)
        self.editors[name] = editor
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(editor, 1)
        if name == "key":
            self.show_key = QPushButton("Show")
            self.show_key.setCheckable(True)
            self.show_key.toggled.connect(self._show_key)
            line.addWidget(self.show_key)
        elif name == "ca_bundle":
            self.browse_button = QPushButton("Browse…")
            self.browse_button.clicked.connect(self._browse_ca_bundle)
            line.addWidget(self.browse_button)
        message = QLabel()
        message.setWordWrap(True)
        message.hide()
        self.messages[name] = message
        row = QWidget()
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(line)
        column.addWidget(message)
        return row

    def _editor(self, name: str) -> Editor:
        if name in CHOICES:
            combo = QComboBox()
            for label, value in CHOICES[name]:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(lambda _index: self._edited(name))
            return combo
        edit = QLineEdit()
        edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
        if name == "key":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textEdited.connect(self._key_typed)
        edit.textChanged.connect(lambda _text: self._edited(name))
        return edit

    # -- values -----------------------------------------------------------------------------
    def value(self, name: str) -> str:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        if name == "key" and self._key_kept and not editor.text():
            return self.saved_value("key")
        return editor.text()

    def set_value(self, name: str, value: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        else:
            editor.setText(value)

    def saved_value(self, name: str) -> str:
        value = getattr(self.loaded, name)
        return "" if value is None else str(value)

    def changes(self) -> dict[str, str]:
        """The fields whose editor differs from the saved settings ("" removes a value)."""
        return {
            name: self.value(name) for name in FIELDS
            if name not in self.loaded.fixed and self.value(name) != self.saved_value(name)
        }

    def is_dirty(self) -> bool:
        return self._dirty

    # -- load, save, revert -----------------------------------------------------------------
    def load(self, current: Settings) -> None:
        """Show ``current`` as saved: values, read-only fixed fields with their source."""
        self.loaded = current
        for name in FIELDS:
            editor = self.editors[name]
            editor.blockSignals(True)  # a load is not an edit
            self.set_value(name, self.saved_value(name))
            editor.blockSignals(False)
            fixed = name in current.fixed
            if isinstance(editor, QLineEdit):
                editor.setReadOnly(fixed)
            else:
                editor.setEnabled(not fixed)
            self.errors.pop(name, None)
            self._show_message(name)
        self.show_key.setChecked(False)
        self._keep_key()
        # A site-fixed Key stays masked: the studio chose to keep it out of sight.
        self.show_key.setEnabled("key" not in current.fixed)
        self.browse_button.setEnabled("ca_bundle" not in current.fixed)
        problems = [redact(line, current.key) for line in current.problems]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if any(getattr(current, n) != FIELDS[n][1] for n in ADVANCED):
            self.set_advanced_visible(True)
        self._update_dirty()

    def save(self) -> bool:
        """Validate and save the changed fields; False (nothing written) if any is invalid."""
        changes = self.changes()
        if not changes:
            self.status.setText("Nothing to save.")
            return True
        invalid = [name for name in changes if not self._validate(name)]
        if invalid:
            return self._blocked(invalid[0])
        try:
            current = settings_mod.save(changes)
        except ValidationError as exc:
            if exc.field in self.editors:
                self.errors[exc.field] = redact(field_message(exc.field, exc), self.value("key"))
                self._show_message(exc.field)
                return self._blocked(exc.field)
            self.status.setText(redact(str(exc), self.value("key")))
            return False
        except ConfigurationError as exc:
            self.status.setText(redact(f"Not saved: {exc}", self.value("key")))
            return False
        self.load(current)
        self.status.setText("Saved.")
        self.saved.emit()
        return True

    def revert(self) -> None:
        """Throw away the edits and show the saved settings again."""
        self.load(settings_mod.load())
        self.status.setText("Reverted to the saved settings.")

    def _blocked(self, name: str) -> bool:
        if name in ADVANCED:
            self.set_advanced_visible(True)
        self.editors[name].setFocus()
        self.status.setText("Not saved: fix the marked field first.")
        return False

    # -- reactions --------------------------------------------------------------------------
    def _edited(self, name: str) -> None:
        self._validate(name)
        self._update_dirty()

    def _validate(self, name: str) -> bool:
        """Run core's cleaner on the editor's text; show its message next to the field."""
        try:
            FIELDS[name][0](self.value(name))
        except ValidationError as exc:
            self.errors[name] = redact(field_message(name, exc), self.value("key"))
        else:
            self.errors.pop(name, None)
        self._show_message(name)
        return name not in self.errors

    def _show_message(self, name: str) -> None:
        """The field's error if it has one, else where a fixed value comes from."""
        label = self.messages[name]
        if name in self.errors:
            label.setText(self.errors[name])
            label.setStyleSheet(ERROR_STYLE)
        elif name in self.loaded.fixed:
            source = self.loaded.sources.get(name, "environment")
            label.setText(f"Read-only: set by the {source}. Change it there.")
            label.setStyleSheet(NOTE_STYLE)
        else:
            label.setText("")
        label.setVisible(bool(label.text()))

    def _update_dirty(self) -> None:
        dirty = bool(self.changes())
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.status.setText("Unsaved changes.")
        elif self.status.text() == "Unsaved changes.":
            self.status.setText("")  # edited back to the saved values
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def set_advanced_visible(self, visible: bool) -> None:
        self.advanced.setVisible(visible)
        self.advanced_toggle.blockSignals(True)
        self.advanced_toggle.setChecked(visible)
        self.advanced_toggle.blockSignals(False)
        arrow = Qt.ArrowType.DownArrow if visible else Qt.ArrowType.RightArrow
        self.advanced_toggle.setArrowType(arrow)

    def _keep_key(self) -> None:
        editor = self.editors["key"]
        saved = self.saved_value("key")
        self._key_kept = bool(saved)
        editor.blockSignals(True)
        editor.setText("")
        editor.blockSignals(False)
        editor.setPlaceholderText("saved (hidden); type a new Key to replace it" if saved
                                  else PLACEHOLDERS["key"])

    def _key_typed(self, text: str) -> None:
        self._key_kept = False  # the person's own typing replaces the saved Key

    def _show_key(self, shown: bool) -> None:
        editor = self.editors["key"]
        if self._key_kept:
            editor.blockSignals(True)
            editor.setText(self.saved_value("key") if shown else "")
            editor.blockSignals(False)
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        editor.setEchoMode(mode)
        self.show_key.setText("Hide" if shown else "Show")

    def _browse_ca_bundle(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a CA bundle", self.value("ca_bundle"), "PEM files (*.pem *.crt);;All files (*)"
        )
        if path:
            self.editors["ca_bundle"].setText(path)
