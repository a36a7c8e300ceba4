"""The Quality and Impact Executive board pack (issue 17): the partnership's measures as
Making Data Count charts, the recommendations tracker, audit themes, domestic abuse and
THRIVE figures, practice-quality measures and the reviews in progress, for one quarter,
with every count from 1 to 4 suppressed and no child identifiable."""
