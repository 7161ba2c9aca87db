from django.urls import path

from sinergi.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("report.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("report.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
    path("hotspots/", views.hotspot_map, name="hotspots"),
    path("hotspots/data.json", views.hotspot_data, name="hotspot_data"),
    path("network/", views.network, name="network"),
    path("network/groups/<int:rank>/", views.network_group, name="network_group"),
    path("network/groups/<int:rank>/elements.json", views.network_group_elements, name="network_elements"),
    path("network/node/", views.network_node, name="network_node"),
    path("network/export.graphml", views.network_export, name="network_export"),
    path("priorities/", views.priority_list, name="priorities"),
]
