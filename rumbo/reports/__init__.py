"""Reports the CRM sends (Word, PDF, Excel), built for one reader: `build` gathers what the
reader may see as plain content, `render` writes it in a format. Both are plain functions, so a
page, a command or a background job can call them."""
