"""The MRC's printable PDFs: the case summary and the referral letter (`pdf.py` builds each as
HTML from a template and turns it into PDF; `views.py` checks who may print it and asks the
purpose first; `urls.py`, mounted by `cases/urls.py` under /mrc/)."""
