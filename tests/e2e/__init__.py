"""Real JupyterLab + headless Chromium tests of the widget and the HTML report."""
