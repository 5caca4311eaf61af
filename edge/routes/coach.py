"""Categories, item search and questions (the knowledge base)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from edge import convert, schemas
from edge.deps import ClientsDep, CurrentUser, Language, as_user
from protos.wastecoach.coach.v1 import coach_pb2
from protos.wastecoach.waste.v1 import waste_pb2

router = APIRouter(prefix="/api/v1", tags=["coach"])


@router.get("/categories", response_model=schemas.CategoryList)
async def categories(_: CurrentUser, clients: ClientsDep, language: Language) -> schemas.CategoryList:
    reply = await clients.coach.ListCategories(coach_pb2.ListCategoriesRequest(language=language))
    return schemas.CategoryList(categories=[convert.category(c) for c in reply.categories])


@router.get("/items", response_model=schemas.ItemList)
async def search_items(
    _: CurrentUser,
    clients: ClientsDep,
    language: Language,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    region: Annotated[str, Query(pattern=r"^(\d{5})?$")] = "",
) -> schemas.ItemList:
    reply = await clients.coach.SearchItems(
        coach_pb2.SearchItemsRequest(query=q, limit=limit, language=language, region_code=region)
    )
    return schemas.ItemList(items=[convert.item(i, with_score=True) for i in reply.items])


@router.get("/items/{item_id}", response_model=schemas.Item)
async def get_item(
    _: CurrentUser,
    clients: ClientsDep,
    language: Language,
    item_id: Annotated[str, Path(max_length=100)],
    region: Annotated[str, Query(pattern=r"^(\d{5})?$")] = "",
) -> schemas.Item:
    reply = await clients.coach.GetItem(
        coach_pb2.GetItemRequest(item_id=item_id, language=language, region_code=region)
    )
    return convert.item(reply.item)


@router.post("/coach/ask", response_model=schemas.Answer)
async def ask(
    body: schemas.Question, user: CurrentUser, clients: ClientsDep, language: Language
) -> schemas.Answer:
    request = coach_pb2.AskRequest(question=body.question, language=language)
    if body.scan_id:
        # Only the caller's own scan can give context (404 otherwise).
        scan = (
            await clients.waste.GetScan(
                waste_pb2.GetScanRequest(scan_id=body.scan_id), metadata=as_user(user)
            )
        ).scan
        request.category_code = scan.result.category.code
        request.item_id = scan.result.item_id
    reply = await clients.coach.Ask(request)
    return schemas.Answer(
        answer=reply.answer, sources=[convert.item(i) for i in reply.sources], composed_by=reply.composed_by
    )
