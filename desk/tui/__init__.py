"""The Textual app: the App and its factory, the main screen, help, the palette, the watcher."""
