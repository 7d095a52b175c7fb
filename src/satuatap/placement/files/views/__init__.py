"""The placement-file pages: the office's list and a file's page (`files.py`), the forms on a
file's page (`actions.py`), the returnee and override reports (`reports.py`), the checklist
rules (`checklist_rules.py`), the fraud signals (`fraud.py`) and the section of the person page
(`panel.py`). Their URLs are in `../urls.py`."""
