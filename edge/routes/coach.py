"""Categories, item search and questions (the knowledge base)."""

from __future__ import annotations

from typing import Annotated

import grpc
from fastapi import APIRouter, Path, Query

from edge import convert, schemas
from edge.auth import Identity
from edge.clients import Clients
from edge.deps import ClientsDep, CurrentUser, Language, as_user
from edge.schemas import NoNul
from protos.wastecoach.coach.v1 import coach_pb2
from protos.wastecoach.users.v1 import users_pb2
from protos.wastecoach.waste.v1 import waste_pb2

router = APIRouter(prefix="/api/v1", tags=["coach"])


@router.get("/categories", response_model=schemas.CategoryList, operation_id="listCategories")
async def categories(_: CurrentUser, clients: ClientsDep, language: Language) -> schemas.CategoryList:
    reply = await clients.coach.ListCategories(coach_pb2.ListCategoriesRequest(language=language))
    return schemas.CategoryList(items=[convert.category(c) for c in reply.categories], next_cursor=None)


async def _region(clients: Clients, user: Identity, given: str) -> str:
    """An explicit ?region= wins; otherwise the caller's profile region applies (none without a profile)."""
    if given:
        return given
    try:
        reply = await clients.users.GetProfile(users_pb2.GetProfileRequest(), metadata=as_user(user))
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.NOT_FOUND:
            return ""
        raise
    return reply.profile.region_code


@router.get("/items", response_model=schemas.ItemList, operation_id="searchItems")
async def search_items(
    user: CurrentUser,
    clients: ClientsDep,
    language: Language,
    q: Annotated[str, Query(min_length=1, max_length=100), NoNul],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    region: Annotated[str, Query(pattern=r"^(\d{5})?$")] = "",
) -> schemas.ItemList:
    region = await _region(clients, user, region)
    reply = await clients.coach.SearchItems(
        coach_pb2.SearchItemsRequest(query=q, limit=limit, language=language, region_code=region)
    )
    return schemas.ItemList(
        items=[convert.item(i, with_score=True) for i in reply.items],
        next_cursor=None,
        uncertain=reply.uncertain,
    )


@router.get("/items/{item_id}", response_model=schemas.Item, operation_id="getItem")
async def get_item(
    user: CurrentUser,
    clients: ClientsDep,
    language: Language,
    item_id: Annotated[str, Path(max_length=100)],
    region: Annotated[str, Query(pattern=r"^(\d{5})?$")] = "",
) -> schemas.Item:
    region = await _region(clients, user, region)
    reply = await clients.coach.GetItem(
        coach_pb2.GetItemRequest(item_id=item_id, language=language, region_code=region)
    )
    return convert.item(reply.item)


@router.post("/coach/ask", response_model=schemas.Answer, operation_id="ask")
async def ask(
    body: schemas.Question, user: CurrentUser, clients: ClientsDep, language: Language
) -> schemas.Answer:
    region = await _region(clients, user, "")
    request = coach_pb2.AskRequest(question=body.question, language=language, region_code=region)
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
        answer=reply.answer,
        sources=[convert.item(i) for i in reply.sources],
        composed_by=reply.composed_by,
        uncertain=reply.uncertain,
    )
